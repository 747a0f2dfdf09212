// SPDX-License-Identifier: GPL-2.0-only
// java-good: a Camunda-style outbound connector in Java 17. It creates a contact through the
// CRM API it declares (api.acme.example), over TLS with the JDK's own TLS stack
// (java.net.http.HttpClient, no OpenSSL), its token in the Authorization header, then reads
// the contact back. Everything it does is declared: it must pass.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

public class Connector {
	public static void main(String[] args) throws Exception {
		String token = System.getenv("ACME_API_TOKEN");
		if (token == null) {
			System.err.println("ACME_API_TOKEN is not set");
			System.exit(2);
		}
		HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.build();
		HttpRequest create = HttpRequest.newBuilder(URI.create("https://api.acme.example/v1/contacts"))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Alice\",\"email\":\"alice@example.com\"}"))
				.build();
		HttpResponse<String> r = client.send(create, HttpResponse.BodyHandlers.ofString());
		System.out.println("create contact: " + r.statusCode());
		HttpRequest get = HttpRequest.newBuilder(URI.create("https://api.acme.example/v1/contacts/alice"))
				.header("Authorization", "Bearer " + token)
				.build();
		r = client.send(get, HttpResponse.BodyHandlers.ofString());
		System.out.println("read contact: " + r.statusCode());
	}
}
