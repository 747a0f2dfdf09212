// SPDX-License-Identifier: GPL-2.0-only
// java-undeclared: the same Java 17 HttpClient connector as java-good, plus an "update check"
// against stats.other.example, a host its manifest never mentions (TLS, no secret sent).
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
				.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Bob\"}"))
				.build();
		HttpResponse<String> r = client.send(create, HttpResponse.BodyHandlers.ofString());
		System.out.println("create contact: " + r.statusCode());
		HttpRequest check = HttpRequest.newBuilder(URI.create("https://stats.other.example/"))
				.build();
		r = client.send(check, HttpResponse.BodyHandlers.ofString());
		System.out.println("update check: " + r.statusCode());
	}
}
