/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.sarif against the SARIF 2.1.0 structure. The checker below is a transcription of
 * the OASIS schema (sarif-schema-2.1.0.json, errata 01) for the objects conduct writes:
 * sarifLog, run, tool, toolComponent, reportingDescriptor, reportingConfiguration,
 * multiformatMessageString, message, result, location, physicalLocation, artifactLocation,
 * region, invocation, notification, artifact, runAutomationDetails, propertyBag: every
 * property the schema allows on them with its type, enum, minimum and uniqueness, the
 * required properties, the anyOf groups, and additionalProperties: false. Plus what GitHub
 * code scanning needs beyond the schema: ruleIndex agreeing with ruleId, "security" in the
 * rule's tags, "security-severity" a string holding a number in 0..10.
 * The checker is itself tested on broken documents, each of which it must reject.
 */
#include <glob.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "judge/judge.h"
#include "report/report.h"
#include "testhelp.h"
#include "util/util.h"

#define FIX "tests/fixtures/report/"

/* --- the checker -------------------------------------------------------------------------- */

enum { S_ANY = 0, S_STR = 1, S_INT = 2, S_NUM = 4, S_BOOL = 8, S_OBJ = 16, S_ARR = 32 };

struct def;

struct prop {
	const char *name;
	unsigned int type;
	const struct def *ref; /* object, or array items */
	unsigned int items; /* array item type */
	const char *const *allowed; /* string enum (or array items' enum) */
	bool has_min;
	double min, max;
	bool unique;
	int min_items;
	bool string_values; /* object whose values are all strings */
};

struct def {
	const char *name;
	const struct prop *props;
	size_t n;
	const char *const *required;
	const char *const *any_of;
	bool open; /* additionalProperties allowed (propertyBag) */
};

static const char *const levels[] = { "none", "note", "warning", "error", NULL };
static const char *const kinds[] = { "notApplicable", "pass",	       "fail", "review",
				     "open",	      "informational", NULL };
static const char *const baseline[] = { "new", "unchanged", "updated", "absent", NULL };
static const char *const versions[] = { "2.1.0", NULL };
static const char *const column_kinds[] = { "utf16CodeUnits", "unicodeCodePoints", NULL };
static const char *const roles[] = { "analysisTarget",
				     "attachment",
				     "responseFile",
				     "resultFile",
				     "standardStream",
				     "tracedFile",
				     "unmodified",
				     "modified",
				     "added",
				     "deleted",
				     "renamed",
				     "uncontrolled",
				     "driver",
				     "extension",
				     "translation",
				     "taxonomy",
				     "policy",
				     "referencedOnCommandLine",
				     "memoryContents",
				     "directory",
				     "userSpecifiedConfiguration",
				     "toolSpecifiedConfiguration",
				     "debugOutputFile",
				     NULL };

extern const struct def d_run, d_tool, d_component, d_descriptor, d_config, d_mms, d_message,
	d_result, d_location, d_physical, d_artloc, d_region, d_invocation, d_notification,
	d_artifact, d_automation, d_bag;

#define DEF(var, nm, req, any, op) \
	const struct def var = { nm, var##_p, ARRAY_SIZE(var##_p), req, any, op }
#define VMIN(v) .has_min = true, .min = (v), .max = 1e18
#define NONE_REQ ((const char *const[]){ NULL })

static const struct prop d_bag_p[] = {
	{ .name = "tags", .type = S_ARR, .items = S_STR, .unique = true },
};
DEF(d_bag, "propertyBag", NONE_REQ, NULL, true);

static const struct prop d_log_p[] = {
	{ .name = "$schema", .type = S_STR },
	{ .name = "version", .type = S_STR, .allowed = versions },
	{ .name = "runs", .type = S_ARR, .ref = &d_run, .items = S_OBJ },
	{ .name = "inlineExternalProperties", .type = S_ARR, .unique = true },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
static const struct def d_log = {
	"sarifLog", d_log_p, ARRAY_SIZE(d_log_p), (const char *const[]){ "version", "runs", NULL },
	NULL,	    false
};

static const struct prop d_run_p[] = {
	{ .name = "tool", .type = S_OBJ, .ref = &d_tool },
	{ .name = "invocations", .type = S_ARR, .ref = &d_invocation, .items = S_OBJ },
	{ .name = "conversion", .type = S_OBJ },
	{ .name = "language", .type = S_STR },
	{ .name = "versionControlProvenance", .type = S_ARR, .unique = true },
	{ .name = "originalUriBaseIds", .type = S_OBJ },
	{ .name = "artifacts", .type = S_ARR, .ref = &d_artifact, .items = S_OBJ, .unique = true },
	{ .name = "logicalLocations", .type = S_ARR, .unique = true },
	{ .name = "graphs", .type = S_ARR, .unique = true },
	{ .name = "results", .type = S_ARR, .ref = &d_result, .items = S_OBJ },
	{ .name = "automationDetails", .type = S_OBJ, .ref = &d_automation },
	{ .name = "runAggregates",
	  .type = S_ARR,
	  .ref = &d_automation,
	  .items = S_OBJ,
	  .unique = true },
	{ .name = "baselineGuid", .type = S_STR },
	{ .name = "redactionTokens", .type = S_ARR, .items = S_STR, .unique = true },
	{ .name = "defaultEncoding", .type = S_STR },
	{ .name = "defaultSourceLanguage", .type = S_STR },
	{ .name = "newlineSequences",
	  .type = S_ARR,
	  .items = S_STR,
	  .unique = true,
	  .min_items = 1 },
	{ .name = "columnKind", .type = S_STR, .allowed = column_kinds },
	{ .name = "externalPropertyFileReferences", .type = S_OBJ },
	{ .name = "threadFlowLocations", .type = S_ARR, .unique = true },
	{ .name = "taxonomies",
	  .type = S_ARR,
	  .ref = &d_component,
	  .items = S_OBJ,
	  .unique = true },
	{ .name = "addresses", .type = S_ARR },
	{ .name = "translations",
	  .type = S_ARR,
	  .ref = &d_component,
	  .items = S_OBJ,
	  .unique = true },
	{ .name = "policies", .type = S_ARR, .ref = &d_component, .items = S_OBJ, .unique = true },
	{ .name = "webRequests", .type = S_ARR, .unique = true },
	{ .name = "webResponses", .type = S_ARR, .unique = true },
	{ .name = "specialLocations", .type = S_OBJ },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_run, "run", ((const char *const[]){ "tool", NULL }), NULL, false);

static const struct prop d_tool_p[] = {
	{ .name = "driver", .type = S_OBJ, .ref = &d_component },
	{ .name = "extensions",
	  .type = S_ARR,
	  .ref = &d_component,
	  .items = S_OBJ,
	  .unique = true },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_tool, "tool", ((const char *const[]){ "driver", NULL }), NULL, false);

static const struct prop d_component_p[] = {
	{ .name = "guid", .type = S_STR },
	{ .name = "name", .type = S_STR },
	{ .name = "organization", .type = S_STR },
	{ .name = "product", .type = S_STR },
	{ .name = "productSuite", .type = S_STR },
	{ .name = "shortDescription", .type = S_OBJ, .ref = &d_mms },
	{ .name = "fullDescription", .type = S_OBJ, .ref = &d_mms },
	{ .name = "fullName", .type = S_STR },
	{ .name = "version", .type = S_STR },
	{ .name = "semanticVersion", .type = S_STR },
	{ .name = "dottedQuadFileVersion", .type = S_STR },
	{ .name = "releaseDateUtc", .type = S_STR },
	{ .name = "downloadUri", .type = S_STR },
	{ .name = "informationUri", .type = S_STR },
	{ .name = "globalMessageStrings", .type = S_OBJ },
	{ .name = "notifications",
	  .type = S_ARR,
	  .ref = &d_descriptor,
	  .items = S_OBJ,
	  .unique = true },
	{ .name = "rules", .type = S_ARR, .ref = &d_descriptor, .items = S_OBJ, .unique = true },
	{ .name = "taxa", .type = S_ARR, .ref = &d_descriptor, .items = S_OBJ, .unique = true },
	{ .name = "locations", .type = S_ARR, .ref = &d_artloc, .items = S_OBJ },
	{ .name = "language", .type = S_STR },
	{ .name = "contents", .type = S_ARR, .items = S_STR, .unique = true },
	{ .name = "isComprehensive", .type = S_BOOL },
	{ .name = "localizedDataSemanticVersion", .type = S_STR },
	{ .name = "minimumRequiredLocalizedDataSemanticVersion", .type = S_STR },
	{ .name = "associatedComponent", .type = S_OBJ },
	{ .name = "translationMetadata", .type = S_OBJ },
	{ .name = "supportedTaxonomies", .type = S_ARR, .unique = true },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_component, "toolComponent", ((const char *const[]){ "name", NULL }), NULL, false);

static const struct prop d_descriptor_p[] = {
	{ .name = "id", .type = S_STR },
	{ .name = "deprecatedIds", .type = S_ARR, .items = S_STR, .unique = true },
	{ .name = "guid", .type = S_STR },
	{ .name = "deprecatedGuids", .type = S_ARR, .items = S_STR, .unique = true },
	{ .name = "name", .type = S_STR },
	{ .name = "deprecatedNames", .type = S_ARR, .items = S_STR, .unique = true },
	{ .name = "shortDescription", .type = S_OBJ, .ref = &d_mms },
	{ .name = "fullDescription", .type = S_OBJ, .ref = &d_mms },
	{ .name = "messageStrings", .type = S_OBJ },
	{ .name = "defaultConfiguration", .type = S_OBJ, .ref = &d_config },
	{ .name = "helpUri", .type = S_STR },
	{ .name = "help", .type = S_OBJ, .ref = &d_mms },
	{ .name = "relationships", .type = S_ARR, .unique = true },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_descriptor, "reportingDescriptor", ((const char *const[]){ "id", NULL }), NULL, false);

static const struct prop d_config_p[] = {
	{ .name = "enabled", .type = S_BOOL },
	{ .name = "level", .type = S_STR, .allowed = levels },
	{ .name = "rank", .type = S_NUM, .has_min = true, .min = -1, .max = 100 },
	{ .name = "parameters", .type = S_OBJ, .ref = &d_bag },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_config, "reportingConfiguration", NONE_REQ, NULL, false);

static const struct prop d_mms_p[] = {
	{ .name = "text", .type = S_STR },
	{ .name = "markdown", .type = S_STR },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_mms, "multiformatMessageString", ((const char *const[]){ "text", NULL }), NULL, false);

static const struct prop d_message_p[] = {
	{ .name = "text", .type = S_STR },
	{ .name = "markdown", .type = S_STR },
	{ .name = "id", .type = S_STR },
	{ .name = "arguments", .type = S_ARR, .items = S_STR },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_message, "message", NONE_REQ, ((const char *const[]){ "text", "id", NULL }), false);

static const struct prop d_result_p[] = {
	{ .name = "ruleId", .type = S_STR },
	{ .name = "ruleIndex", .type = S_INT, VMIN(-1) },
	{ .name = "rule", .type = S_OBJ },
	{ .name = "kind", .type = S_STR, .allowed = kinds },
	{ .name = "level", .type = S_STR, .allowed = levels },
	{ .name = "message", .type = S_OBJ, .ref = &d_message },
	{ .name = "analysisTarget", .type = S_OBJ, .ref = &d_artloc },
	{ .name = "locations", .type = S_ARR, .ref = &d_location, .items = S_OBJ },
	{ .name = "guid", .type = S_STR },
	{ .name = "correlationGuid", .type = S_STR },
	{ .name = "occurrenceCount", .type = S_INT, VMIN(1) },
	{ .name = "partialFingerprints", .type = S_OBJ, .string_values = true },
	{ .name = "fingerprints", .type = S_OBJ, .string_values = true },
	{ .name = "stacks", .type = S_ARR, .unique = true },
	{ .name = "codeFlows", .type = S_ARR },
	{ .name = "graphs", .type = S_ARR, .unique = true },
	{ .name = "graphTraversals", .type = S_ARR, .unique = true },
	{ .name = "relatedLocations",
	  .type = S_ARR,
	  .ref = &d_location,
	  .items = S_OBJ,
	  .unique = true },
	{ .name = "suppressions", .type = S_ARR, .unique = true },
	{ .name = "baselineState", .type = S_STR, .allowed = baseline },
	{ .name = "rank", .type = S_NUM, .has_min = true, .min = -1, .max = 100 },
	{ .name = "attachments", .type = S_ARR, .unique = true },
	{ .name = "hostedViewerUri", .type = S_STR },
	{ .name = "workItemUris", .type = S_ARR, .items = S_STR, .unique = true },
	{ .name = "provenance", .type = S_OBJ },
	{ .name = "fixes", .type = S_ARR, .unique = true },
	{ .name = "taxa", .type = S_ARR, .unique = true },
	{ .name = "webRequest", .type = S_OBJ },
	{ .name = "webResponse", .type = S_OBJ },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_result, "result", ((const char *const[]){ "message", NULL }), NULL, false);

static const struct prop d_location_p[] = {
	{ .name = "id", .type = S_INT, VMIN(-1) },
	{ .name = "physicalLocation", .type = S_OBJ, .ref = &d_physical },
	{ .name = "logicalLocations", .type = S_ARR, .unique = true },
	{ .name = "message", .type = S_OBJ, .ref = &d_message },
	{ .name = "annotations", .type = S_ARR, .ref = &d_region, .items = S_OBJ, .unique = true },
	{ .name = "relationships", .type = S_ARR, .unique = true },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_location, "location", NONE_REQ, NULL, false);

static const struct prop d_physical_p[] = {
	{ .name = "address", .type = S_OBJ },
	{ .name = "artifactLocation", .type = S_OBJ, .ref = &d_artloc },
	{ .name = "region", .type = S_OBJ, .ref = &d_region },
	{ .name = "contextRegion", .type = S_OBJ, .ref = &d_region },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_physical, "physicalLocation", NONE_REQ,
    ((const char *const[]){ "address", "artifactLocation", NULL }), false);

static const struct prop d_artloc_p[] = {
	{ .name = "uri", .type = S_STR },
	{ .name = "uriBaseId", .type = S_STR },
	{ .name = "index", .type = S_INT, VMIN(-1) },
	{ .name = "description", .type = S_OBJ, .ref = &d_message },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_artloc, "artifactLocation", NONE_REQ, NULL, false);

static const struct prop d_region_p[] = {
	{ .name = "startLine", .type = S_INT, VMIN(1) },
	{ .name = "startColumn", .type = S_INT, VMIN(1) },
	{ .name = "endLine", .type = S_INT, VMIN(1) },
	{ .name = "endColumn", .type = S_INT, VMIN(1) },
	{ .name = "charOffset", .type = S_INT, VMIN(-1) },
	{ .name = "charLength", .type = S_INT, VMIN(0) },
	{ .name = "byteOffset", .type = S_INT, VMIN(-1) },
	{ .name = "byteLength", .type = S_INT, VMIN(0) },
	{ .name = "snippet", .type = S_OBJ },
	{ .name = "message", .type = S_OBJ, .ref = &d_message },
	{ .name = "sourceLanguage", .type = S_STR },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_region, "region", NONE_REQ,
    ((const char *const[]){ "startLine", "charOffset", "byteOffset", NULL }), false);

static const struct prop d_invocation_p[] = {
	{ .name = "commandLine", .type = S_STR },
	{ .name = "arguments", .type = S_ARR, .items = S_STR },
	{ .name = "responseFiles",
	  .type = S_ARR,
	  .ref = &d_artloc,
	  .items = S_OBJ,
	  .unique = true },
	{ .name = "startTimeUtc", .type = S_STR },
	{ .name = "endTimeUtc", .type = S_STR },
	{ .name = "exitCode", .type = S_INT },
	{ .name = "ruleConfigurationOverrides", .type = S_ARR, .unique = true },
	{ .name = "notificationConfigurationOverrides", .type = S_ARR, .unique = true },
	{ .name = "toolExecutionNotifications",
	  .type = S_ARR,
	  .ref = &d_notification,
	  .items = S_OBJ },
	{ .name = "toolConfigurationNotifications",
	  .type = S_ARR,
	  .ref = &d_notification,
	  .items = S_OBJ },
	{ .name = "exitCodeDescription", .type = S_STR },
	{ .name = "exitSignalName", .type = S_STR },
	{ .name = "exitSignalNumber", .type = S_INT },
	{ .name = "processStartFailureMessage", .type = S_STR },
	{ .name = "executionSuccessful", .type = S_BOOL },
	{ .name = "machine", .type = S_STR },
	{ .name = "account", .type = S_STR },
	{ .name = "processId", .type = S_INT },
	{ .name = "executableLocation", .type = S_OBJ, .ref = &d_artloc },
	{ .name = "workingDirectory", .type = S_OBJ, .ref = &d_artloc },
	{ .name = "environmentVariables", .type = S_OBJ, .string_values = true },
	{ .name = "stdin", .type = S_OBJ, .ref = &d_artloc },
	{ .name = "stdout", .type = S_OBJ, .ref = &d_artloc },
	{ .name = "stderr", .type = S_OBJ, .ref = &d_artloc },
	{ .name = "stdoutStderr", .type = S_OBJ, .ref = &d_artloc },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_invocation, "invocation", ((const char *const[]){ "executionSuccessful", NULL }), NULL,
    false);

static const struct prop d_notification_p[] = {
	{ .name = "locations", .type = S_ARR, .ref = &d_location, .items = S_OBJ, .unique = true },
	{ .name = "message", .type = S_OBJ, .ref = &d_message },
	{ .name = "level", .type = S_STR, .allowed = levels },
	{ .name = "threadId", .type = S_INT },
	{ .name = "timeUtc", .type = S_STR },
	{ .name = "exception", .type = S_OBJ },
	{ .name = "descriptor", .type = S_OBJ },
	{ .name = "associatedRule", .type = S_OBJ },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_notification, "notification", ((const char *const[]){ "message", NULL }), NULL, false);

static const struct prop d_artifact_p[] = {
	{ .name = "description", .type = S_OBJ, .ref = &d_message },
	{ .name = "location", .type = S_OBJ, .ref = &d_artloc },
	{ .name = "parentIndex", .type = S_INT, VMIN(-1) },
	{ .name = "offset", .type = S_INT, VMIN(0) },
	{ .name = "length", .type = S_INT, VMIN(-1) },
	{ .name = "roles", .type = S_ARR, .items = S_STR, .allowed = roles, .unique = true },
	{ .name = "mimeType", .type = S_STR },
	{ .name = "contents", .type = S_OBJ },
	{ .name = "encoding", .type = S_STR },
	{ .name = "sourceLanguage", .type = S_STR },
	{ .name = "hashes", .type = S_OBJ, .string_values = true },
	{ .name = "lastModifiedTimeUtc", .type = S_STR },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_artifact, "artifact", NONE_REQ, NULL, false);

static const struct prop d_automation_p[] = {
	{ .name = "description", .type = S_OBJ, .ref = &d_message },
	{ .name = "id", .type = S_STR },
	{ .name = "guid", .type = S_STR },
	{ .name = "correlationGuid", .type = S_STR },
	{ .name = "properties", .type = S_OBJ, .ref = &d_bag },
};
DEF(d_automation, "runAutomationDetails", NONE_REQ, NULL, false);

/* The broken-log test expects complaints: it keeps them quiet. */
static bool quiet;

struct checker {
	int errors;
	char path[512];
};

static void complain(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void complain(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	c->errors++;
	if (c->errors > 5 || quiet)
		return;
	printf("    sarif: %s: ", c->path);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static bool type_ok(const json_t *v, unsigned int type)
{
	switch (type) {
	case S_STR:
		return json_is_string(v);
	case S_INT:
		return json_is_integer(v);
	case S_NUM:
		return json_is_number(v);
	case S_BOOL:
		return json_is_boolean(v);
	case S_OBJ:
		return json_is_object(v);
	case S_ARR:
		return json_is_array(v);
	default:
		return true;
	}
}

static void check_obj(struct checker *c, const struct def *d, const json_t *obj);

static void check_value(struct checker *c, const struct prop *p, const json_t *v, unsigned int type,
			const struct def *ref)
{
	size_t i, j;
	json_t *e;

	if (!type_ok(v, type)) {
		complain(c, "wrong type");
		return;
	}
	if (json_is_string(v) && p->allowed) {
		for (i = 0; p->allowed[i]; i++)
			if (!strcmp(p->allowed[i], json_string_value(v)))
				break;
		if (!p->allowed[i])
			complain(c, "'%s' is not an allowed value", json_string_value(v));
	}
	if (json_is_number(v) && p->has_min &&
	    (json_number_value(v) < p->min || json_number_value(v) > p->max))
		complain(c, "%g out of range", json_number_value(v));
	if (json_is_object(v) && ref && type == S_OBJ)
		check_obj(c, ref, v);
	if (json_is_object(v) && p->string_values) {
		const char *k;

		json_object_foreach ((json_t *)v, k, e)
			if (!json_is_string(e))
				complain(c, "value of '%s' is not a string", k);
	}
	if (json_is_array(v) && type == S_ARR) {
		size_t len = strlen(c->path);

		if ((int)json_array_size(v) < p->min_items)
			complain(c, "fewer than %d items", p->min_items);
		if (p->unique)
			for (i = 0; i < json_array_size(v); i++)
				for (j = i + 1; j < json_array_size(v); j++)
					if (json_equal(json_array_get(v, i), json_array_get(v, j)))
						complain(c, "items %zu and %zu are equal", i, j);
		json_array_foreach (v, i, e) {
			snprintf(c->path + len, sizeof(c->path) - len, "[%zu]", i);
			check_value(c, p, e, p->items, p->ref);
			c->path[len] = '\0';
		}
	}
}

static void check_obj(struct checker *c, const struct def *d, const json_t *obj)
{
	size_t len = strlen(c->path), i;
	const char *k;
	json_t *v;

	if (!json_is_object(obj)) {
		complain(c, "%s is not an object", d->name);
		return;
	}
	for (i = 0; d->required[i]; i++)
		if (!json_object_get(obj, d->required[i]))
			complain(c, "%s lacks required '%s'", d->name, d->required[i]);
	if (d->any_of) {
		bool any = false;

		for (i = 0; d->any_of[i]; i++)
			any |= json_object_get(obj, d->any_of[i]) != NULL;
		if (!any)
			complain(c, "%s has none of its anyOf properties", d->name);
	}
	json_object_foreach ((json_t *)obj, k, v) {
		const struct prop *p = NULL;

		for (i = 0; i < d->n; i++)
			if (!strcmp(d->props[i].name, k))
				p = &d->props[i];
		if (!p) {
			if (!d->open)
				complain(c, "%s does not allow property '%s'", d->name, k);
			continue;
		}
		snprintf(c->path + len, sizeof(c->path) - len, ".%s", k);
		check_value(c, p, v, p->type, p->ref);
		c->path[len] = '\0';
	}
}

/* The checks GitHub code scanning adds to the schema. */
static void check_github(struct checker *c, const json_t *log)
{
	json_t *run, *rules, *r, *res;
	size_t i, k;

	json_array_foreach (json_object_get(log, "runs"), k, run) {
		rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"),
					"rules");
		json_array_foreach (rules, i, r) {
			json_t *props = json_object_get(r, "properties"), *t;
			const char *sev =
				json_string_value(json_object_get(props, "security-severity"));
			bool security = false;
			size_t j;
			char *end;
			double s;

			snprintf(c->path, sizeof(c->path), "runs[%zu].tool.driver.rules[%zu]", k,
				 i);
			json_array_foreach (json_object_get(props, "tags"), j, t)
				security |= json_is_string(t) &&
					    !strcmp(json_string_value(t), "security");
			if (!security)
				complain(c, "no \"security\" tag");
			if (json_object_get(props, "security-severity")) {
				if (!sev) {
					complain(c, "security-severity is not a string");
					continue;
				}
				s = strtod(sev, &end);
				if (*end || end == sev || s < 0 || s > 10)
					complain(c, "security-severity '%s' is not a score", sev);
			}
		}
		json_array_foreach (json_object_get(run, "results"), i, res) {
			json_int_t idx = json_integer_value(json_object_get(res, "ruleIndex"));
			const char *id = json_string_value(json_object_get(res, "ruleId"));
			json_t *rule = json_array_get(rules, (size_t)idx);

			snprintf(c->path, sizeof(c->path), "runs[%zu].results[%zu]", k, i);
			if (!json_object_get(res, "ruleIndex"))
				continue;
			if (!rule || !id ||
			    strcmp(json_string_value(json_object_get(rule, "id")) ?: "", id))
				complain(c, "ruleIndex %lld does not point at rule '%s'",
					 (long long)idx, id ? id : "");
		}
	}
	c->path[0] = '\0';
}

static int sarif_errors(const json_t *log)
{
	struct checker c = { 0 };

	snprintf(c.path, sizeof(c.path), "$");
	check_obj(&c, &d_log, log);
	check_github(&c, log);
	return c.errors;
}

/* --- helpers --------------------------------------------------------------------------------- */

static json_t *sarif_of(const json_t *report, const json_t *rules)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *log = NULL;
	json_error_t e;

	if (!f)
		return NULL;
	if (report_write_sarif(f, report, rules) == 0) {
		fclose(f);
		f = NULL;
		if (len && buf[len - 1] == '\n')
			log = json_loads(buf, JSON_REJECT_DUPLICATES, &e);
		if (!log)
			printf("  not JSON: %s\n", e.text);
	}
	if (f)
		fclose(f);
	free(buf);
	return log;
}

static json_t *load(const char *name)
{
	json_error_t e;
	char path[128];

	snprintf(path, sizeof(path), FIX "%s", name);
	return json_load_file(path, JSON_REJECT_DUPLICATES, &e);
}

static json_t *at(json_t *root, const char *path)
{
	/* "runs.0.tool.driver": dotted keys and indices */
	char buf[256], *save = NULL, *tok;
	json_t *v = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, strtoul(tok, NULL, 10))
				     : json_object_get(v, tok);
	return v;
}

static const char *str_at(json_t *root, const char *path)
{
	return json_string_value(at(root, path));
}

/* --- tests ----------------------------------------------------------------------------------- */

TEST(conduct_output_is_valid)
{
	json_t *report = load("new-a.json"), *rules = load("rules.json"), *log = NULL;
	json_t *findings, *results, *descs, *f, *res;
	size_t i, k;

	ASSERT_TRUE(report && rules);
	log = sarif_of(report, rules);
	ASSERT_TRUE(log != NULL);
	ASSERT_EQ(sarif_errors(log), 0);
	ASSERT_STR_EQ(str_at(log, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
	ASSERT_STR_EQ(str_at(log, "version"), "2.1.0");
	ASSERT_EQ(json_array_size(json_object_get(log, "runs")), 1);
	ASSERT_STR_EQ(str_at(log, "runs.0.tool.driver.name"), "conduct");
	ASSERT_STR_EQ(str_at(log, "runs.0.tool.driver.version"), CONDUCT_VERSION);
	descs = at(log, "runs.0.tool.driver.rules");
	ASSERT_EQ(json_array_size(descs), json_array_size(rules));
	/* One descriptor per rule, in the policy's order, with GitHub's properties. */
	json_array_foreach (rules, i, f) {
		json_t *d = json_array_get(descs, i);
		char want[16];

		snprintf(want, sizeof(want), "%.1f",
			 json_number_value(json_object_get(json_object_get(f, "cvss"), "score")));
		ASSERT_STR_EQ(str_at(d, "id"), json_string_value(json_object_get(f, "id")));
		ASSERT_STR_EQ(str_at(d, "properties.security-severity"), want);
		ASSERT_STR_EQ(str_at(d, "fullDescription.text"),
			      json_string_value(json_object_get(f, "clause")));
		ASSERT_STR_EQ(str_at(d, "properties.tags.0"), "security");
		ASSERT_STR_EQ(str_at(d, "properties.tags.1"),
			      json_string_value(json_object_get(f, "section")));
		ASSERT_TRUE(strstr(str_at(d, "help.text"),
				   json_string_value(json_object_get(f, "why"))) != NULL);
	}
	ASSERT_STR_EQ(str_at(descs, "2.name"), "TlsVersion");
	ASSERT_STR_EQ(str_at(descs, "2.defaultConfiguration.level"), "error");
	ASSERT_STR_EQ(str_at(descs, "4.defaultConfiguration.level"), "note");
	ASSERT_STR_EQ(str_at(descs, "7.defaultConfiguration.level"), "warning");
	ASSERT_TRUE(strstr(str_at(descs, "6.help.text"), "acknowledge within 24 hours") != NULL);
	/* One result per finding, evidence lines as regions of trace.jsonl. */
	findings = json_object_get(report, "findings");
	results = at(log, "runs.0.results");
	ASSERT_EQ(json_array_size(results), json_array_size(findings));
	json_array_foreach (findings, i, f) {
		json_t *ev = json_object_get(f, "evidence"), *line;

		res = json_array_get(results, i);
		ASSERT_STR_EQ(str_at(res, "ruleId"), json_string_value(json_object_get(f, "rule")));
		ASSERT_STR_EQ(str_at(res, "message.text"),
			      json_string_value(json_object_get(f, "summary")));
		ASSERT_EQ(json_array_size(json_object_get(res, "locations")), json_array_size(ev));
		json_array_foreach (ev, k, line) {
			json_t *loc = json_array_get(json_object_get(res, "locations"), k);

			ASSERT_STR_EQ(str_at(loc, "physicalLocation.artifactLocation.uri"),
				      "trace.jsonl");
			ASSERT_EQ(json_integer_value(at(loc, "physicalLocation.region.startLine")),
				  json_integer_value(line));
		}
	}
	ASSERT_STR_EQ(str_at(results, "0.level"), "error"); /* critical */
	ASSERT_STR_EQ(str_at(results, "7.level"), "warning"); /* medium */
	ASSERT_STR_EQ(str_at(results, "8.level"), "note"); /* low */
	ASSERT_EQ(json_integer_value(at(results, "0.ruleIndex")), 6); /* PRIV-1.cred-exfil */
	ASSERT_STR_EQ(str_at(results, "0.properties.cvss_vector"),
		      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	ASSERT_STR_EQ(str_at(results, "0.properties.deadlines.fix"), "2026-12-19T09:30:00Z");
	ASSERT_EQ(strlen(str_at(results, "0.partialFingerprints.conductFinding/v1")), 64);
	ASSERT_TRUE(json_is_true(at(log, "runs.0.invocations.0.executionSuccessful")));
	ASSERT_STR_EQ(str_at(log, "runs.0.invocations.0.properties.verdict"), "fail");
	ASSERT_STR_EQ(str_at(log, "runs.0.invocations.0.startTimeUtc"), "2026-11-20T09:30:00Z");
	ASSERT_STR_EQ(str_at(log, "runs.0.automationDetails.id"),
		      "conduct/acme-crm/2026-11-20T09:30:00Z");
	ASSERT_STR_EQ(str_at(log, "runs.0.artifacts.0.hashes.sha-256"),
		      "9d2e7f1a3b5c7e9f1a3c5e7a9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d");
cleanup:
	json_decref(report);
	json_decref(rules);
	json_decref(log);
}

/* The same findings on other trace lines keep their fingerprints; another summary does not. */
TEST(fingerprints_stable)
{
	json_t *a = load("new-a.json"), *b = load("new-b.json"), *rules = load("rules.json");
	json_t *la = NULL, *lb = NULL, *lc = NULL, *ra, *rb;
	size_t i;

	ASSERT_TRUE(a && b && rules);
	la = sarif_of(a, rules);
	lb = sarif_of(b, rules);
	ASSERT_TRUE(la && lb);
	ra = at(la, "runs.0.results");
	rb = at(lb, "runs.0.results");
	ASSERT_EQ(json_array_size(ra), json_array_size(rb));
	for (i = 0; i < json_array_size(ra); i++) {
		json_t *x = json_array_get(ra, i), *y = json_array_get(rb, i);

		ASSERT_NE(
			json_integer_value(at(x, "locations.0.physicalLocation.region.startLine")),
			json_integer_value(at(y, "locations.0.physicalLocation.region.startLine")));
		ASSERT_TRUE(json_equal(json_object_get(x, "partialFingerprints"),
				       json_object_get(y, "partialFingerprints")));
		if (i)
			ASSERT_FALSE(json_equal(
				json_object_get(x, "partialFingerprints"),
				json_object_get(json_array_get(ra, i - 1), "partialFingerprints")));
	}
	/* the same rule with another summary is another finding: another fingerprint */
	ASSERT_TRUE(json_array_size(ra) > 0);
	json_object_set_new(json_array_get(json_object_get(b, "findings"), 0), "summary",
			    json_string("The connector did something else entirely."));
	lc = sarif_of(b, rules);
	ASSERT_TRUE(lc != NULL);
	ASSERT_FALSE(json_equal(json_object_get(json_array_get(ra, 0), "partialFingerprints"),
				json_object_get(json_array_get(at(lc, "runs.0.results"), 0),
						"partialFingerprints")));
cleanup:
	json_decref(a);
	json_decref(b);
	json_decref(rules);
	json_decref(la);
	json_decref(lb);
	json_decref(lc);
}

/* Unknown rule, no evidence, no rules list, 150 evidence lines, incomplete, hostile types. */
TEST(edge_cases_stay_valid)
{
	json_t *r = json_loads(
		"{\"format\":1,\"verdict\":\"incomplete\",\"connector\":{\"name\":\"a/b c\"},"
		"\"run\":{\"started\":\"yesterday\",\"policy\":[]},\"findings\":["
		"{\"rule\":\"X-9.new\",\"severity\":\"medium\",\"summary\":\"s\",\"cvss\":"
		"{\"vector\":\"CVSS:3.1/AV:N\",\"score\":6.5}},"
		"{\"rule\":\"MON-1.incomplete\",\"severity\":\"low\",\"evidence\":[0,-3,\"7\"]},"
		"{\"rule\":\"X-9.new\",\"severity\":\"bogus\",\"summary\":\"t\"},"
		"{\"severity\":\"high\"},7]}",
		0, NULL);
	json_t *rules = load("rules.json"), *log = NULL, *log2 = NULL, *res;
	json_t *many = NULL, *ev;
	int i;

	ASSERT_TRUE(r && rules);
	log = sarif_of(r, rules);
	ASSERT_TRUE(log != NULL);
	ASSERT_EQ(sarif_errors(log), 0);
	res = at(log, "runs.0.results");
	ASSERT_EQ(json_array_size(res), 3);
	/* X-9.new is not a policy rule: a descriptor is made from the finding, after the rest. */
	ASSERT_EQ(json_integer_value(at(res, "0.ruleIndex")), 13);
	ASSERT_STR_EQ(str_at(log, "runs.0.tool.driver.rules.13.id"), "X-9.new");
	ASSERT_STR_EQ(str_at(log, "runs.0.tool.driver.rules.13.properties.security-severity"),
		      "6.5");
	ASSERT_EQ(json_integer_value(at(res, "2.ruleIndex")), 13);
	ASSERT_EQ(json_array_size(at(log, "runs.0.tool.driver.rules")), 14);
	/* No valid evidence line: one location on the header line, saying so. */
	ASSERT_EQ(json_integer_value(at(res, "1.locations.0.physicalLocation.region.startLine")),
		  1);
	ASSERT_TRUE(at(res, "1.locations.0.message.text") != NULL);
	ASSERT_STR_EQ(str_at(res, "1.message.text"),
		      "MON-1.incomplete matched (no summary in the report)");
	ASSERT_STR_EQ(str_at(res, "2.level"), "note");
	ASSERT_TRUE(json_is_false(at(log, "runs.0.invocations.0.executionSuccessful")));
	ASSERT_STR_EQ(str_at(log, "runs.0.invocations.0.toolExecutionNotifications.0.level"),
		      "warning");
	ASSERT_TRUE(at(log, "runs.0.invocations.0.startTimeUtc") == NULL); /* not a date-time */
	ASSERT_STR_EQ(str_at(log, "runs.0.automationDetails.id"), "conduct/a_b_c/yesterday");
	/* Without a rules list, descriptors come from the findings alone. */
	log2 = sarif_of(r, NULL);
	ASSERT_TRUE(log2 != NULL);
	ASSERT_EQ(sarif_errors(log2), 0);
	ASSERT_EQ(json_array_size(at(log2, "runs.0.tool.driver.rules")), 2);
	/* 150 evidence lines: GitHub reads 100 locations; all lines stay in the properties. */
	many = json_pack("{s:i,s:s,s:[{s:s,s:s,s:s,s:[]}]}", "format", 1, "verdict", "fail",
			 "findings", "rule", "DP-2.plaintext", "severity", "high", "summary", "x",
			 "evidence");
	ev = at(many, "findings.0.evidence");
	for (i = 1; i <= 150; i++)
		json_array_append_new(ev, json_integer(i * 2));
	json_decref(log);
	log = sarif_of(many, rules);
	ASSERT_TRUE(log != NULL);
	ASSERT_EQ(sarif_errors(log), 0);
	ASSERT_EQ(json_array_size(at(log, "runs.0.results.0.locations")), 100);
	ASSERT_EQ(json_array_size(at(log, "runs.0.results.0.properties.evidence_lines")), 150);
cleanup:
	json_decref(r);
	json_decref(rules);
	json_decref(log);
	json_decref(log2);
	json_decref(many);
}

/* The checker rejects each of these breakages of a valid log. */
TEST(checker_rejects_broken_logs)
{
	static const struct {
		const char *what;
		const char *path; /* object to edit */
		const char *key;
		const char *value; /* JSON; NULL deletes the key */
	} breaks[] = {
		{ "no version", "", "version", NULL },
		{ "version 2.0.0", "", "version", "\"2.0.0\"" },
		{ "runs not an array", "", "runs", "{}" },
		{ "unknown top-level property", "", "run", "[]" },
		{ "run without tool", "runs.0", "tool", NULL },
		{ "driver without name", "runs.0.tool.driver", "name", NULL },
		{ "driver name a number", "runs.0.tool.driver", "name", "5" },
		{ "rule without id", "runs.0.tool.driver.rules.0", "id", NULL },
		{ "short description without text", "runs.0.tool.driver.rules.0.shortDescription",
		  "text", NULL },
		{ "level not in the enum", "runs.0.tool.driver.rules.0.defaultConfiguration",
		  "level", "\"fatal\"" },
		{ "duplicate tags", "runs.0.tool.driver.rules.0.properties", "tags",
		  "[\"security\",\"security\"]" },
		{ "no security tag", "runs.0.tool.driver.rules.0.properties", "tags", "[\"x\"]" },
		{ "security-severity a number", "runs.0.tool.driver.rules.0.properties",
		  "security-severity", "7.5" },
		{ "security-severity not a score", "runs.0.tool.driver.rules.0.properties",
		  "security-severity", "\"high\"" },
		{ "duplicate rules", "runs.0.tool.driver", "rules",
		  "[{\"id\":\"a\"},{\"id\":\"a\"}]" },
		{ "result without message", "runs.0.results.0", "message", NULL },
		{ "message without text or id", "runs.0.results.0", "message",
		  "{\"markdown\":\"m\"}" },
		{ "result level unknown", "runs.0.results.0", "level", "\"critical\"" },
		{ "unknown result property", "runs.0.results.0", "rule_id", "\"x\"" },
		{ "ruleIndex out of range", "runs.0.results.0", "ruleIndex", "99" },
		{ "ruleIndex below -1", "runs.0.results.0", "ruleIndex", "-2" },
		{ "ruleIndex at another rule", "runs.0.results.0", "ruleIndex", "0" },
		{ "fingerprint not a string", "runs.0.results.0.partialFingerprints", "x", "1" },
		{ "startLine 0", "runs.0.results.0.locations.0.physicalLocation.region",
		  "startLine", "0" },
		{ "region without a start", "runs.0.results.0.locations.0.physicalLocation",
		  "region", "{\"endLine\":3}" },
		{ "empty physicalLocation", "runs.0.results.0.locations.0", "physicalLocation",
		  "{}" },
		{ "uri not a string",
		  "runs.0.results.0.locations.0.physicalLocation.artifactLocation", "uri", "[]" },
		{ "no executionSuccessful", "runs.0.invocations.0", "executionSuccessful", NULL },
		{ "executionSuccessful a string", "runs.0.invocations.0", "executionSuccessful",
		  "\"yes\"" },
		{ "unknown artifact role", "runs.0.artifacts.0", "roles", "[\"input\"]" },
		{ "automation id a number", "runs.0.automationDetails", "id", "1" },
	};
	json_t *report = load("new-a.json"), *rules = load("rules.json"), *good = NULL, *bad = NULL;
	size_t i, failures = 0;

	ASSERT_TRUE(report && rules);
	good = sarif_of(report, rules);
	ASSERT_TRUE(good != NULL);
	ASSERT_EQ(sarif_errors(good), 0);
	quiet = true;
	for (i = 0; i < ARRAY_SIZE(breaks); i++) {
		json_t *obj;

		bad = json_deep_copy(good);
		obj = breaks[i].path[0] ? at(bad, breaks[i].path) : bad;
		ASSERT_TRUE(json_is_object(obj));
		if (breaks[i].value)
			json_object_set_new(obj, breaks[i].key,
					    json_loads(breaks[i].value, JSON_DECODE_ANY, NULL));
		else
			json_object_del(obj, breaks[i].key);
		if (sarif_errors(bad) == 0) {
			printf("  checker accepted: %s\n", breaks[i].what);
			failures++;
		}
		json_decref(bad);
		bad = NULL;
	}
	ASSERT_EQ(failures, 0);
cleanup:
	quiet = false;
	json_decref(report);
	json_decref(rules);
	json_decref(good);
	json_decref(bad);
}

/*
 * The judge's real reports (every trace of tests/fixtures/judge/ under the shipped policy):
 * report_parse() accepts their canonical bytes and gives the same object back, and their
 * SARIF passes the checker.
 */
TEST(judge_reports)
{
	struct policy *policy = NULL;
	struct error err = { 0 };
	json_t *report = NULL, *rules = NULL, *log = NULL, *again = NULL;
	glob_t g = { 0 };
	char *buf = NULL;
	size_t i, len = 0;

	ASSERT_EQ(policy_load("policies/marketplace.json", &policy, &err), 0);
	rules = policy_rules_json(policy);
	ASSERT_TRUE(json_array_size(rules) >= 13);
	ASSERT_EQ(glob("tests/fixtures/judge/*.jsonl", 0, NULL, &g), 0);
	ASSERT_TRUE(g.gl_pathc > 0);
	for (i = 0; i < g.gl_pathc; i++) {
		FILE *f;

		if (judge_check_file(g.gl_pathv[i], NULL, policy, &report, &err) < 0)
			TEST_FAIL_AT("%s: %u:%u: %s", g.gl_pathv[i], err.line, err.column,
				     err.text);
		f = open_memstream(&buf, &len);
		ASSERT_TRUE(f != NULL);
		ASSERT_EQ(report_write_json(f, report), 0);
		fclose(f);
		if (report_parse(buf, len, &again, &err) < 0)
			TEST_FAIL_AT("%s: report_parse: %u:%u: %s", g.gl_pathv[i], err.line,
				     err.column, err.text);
		ASSERT_TRUE(json_equal(report, again));
		log = sarif_of(report, rules);
		ASSERT_TRUE(log != NULL);
		if (sarif_errors(log))
			TEST_FAIL_AT("%s: invalid SARIF", g.gl_pathv[i]);
		ASSERT_EQ(json_array_size(at(log, "runs.0.results")),
			  json_array_size(json_object_get(report, "findings")));
		ASSERT_EQ(json_array_size(at(log, "runs.0.tool.driver.rules")),
			  json_array_size(rules));
		json_decref(report);
		json_decref(again);
		json_decref(log);
		free(buf);
		report = again = log = NULL;
		buf = NULL;
	}
cleanup:
	globfree(&g);
	free(buf);
	json_decref(report);
	json_decref(again);
	json_decref(log);
	json_decref(rules);
	policy_free(policy);
}

int main(void)
{
	RUN(conduct_output_is_valid);
	RUN(fingerprints_stable);
	RUN(edge_cases_stay_valid);
	RUN(checker_rejects_broken_logs);
	RUN(judge_reports);
	return test_summary();
}
