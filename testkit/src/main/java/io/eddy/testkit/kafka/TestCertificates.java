package io.eddy.testkit.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and the key stores a TLS test needs, made once per JVM: a
 * self-signed CA, a broker key store (certificate for {@code 127.0.0.1} and {@code localhost},
 * signed by the CA), a client key store for mutual TLS (subject {@value #CLIENT_SUBJECT}) and a
 * trust store holding the CA. All stores are PKCS12 with one random password.
 *
 * <p>The files come from the JDK's own {@code keytool}, run as a child process. That needs no
 * library beyond the JDK that runs the tests (Bouncy Castle would add two jars to every user's test
 * class path for a feature few tests use), and the commands are the ones an operator types to make
 * such stores for a real cluster. The cost is about a dozen short-lived processes, paid once per
 * JVM (a few seconds on a 2-core machine); the broker and client chains are made in parallel.
 *
 * <p>Thread-safe; {@link #get()} blocks the first caller until the files exist. The files live in
 * a temporary directory deleted when the JVM exits.
 */
final class TestCertificates {

    /** The subject of the client certificate; Kafka's principal for it is {@code User:} + this. */
    static final String CLIENT_SUBJECT = "CN=eddy-mtls-client";

    private static final String CA_SUBJECT = "CN=Eddy testkit CA";
    private static final String VALIDITY_DAYS = "3650";
    private static volatile TestCertificates instance;

    private final Path dir;
    private final String password;

    private TestCertificates(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    /**
     * The certificates of this JVM, made on first use.
     *
     * @throws IllegalStateException if {@code keytool} fails (its output is in the message)
     */
    static TestCertificates get() {
        TestCertificates made = instance;
        if (made == null) {
            synchronized (TestCertificates.class) {
                made = instance;
                if (made == null) {
                    made = make();
                    instance = made;
                }
            }
        }
        return made;
    }

    /** The password of every store and key; a test secret, random per JVM. */
    String password() {
        return password;
    }

    /** The broker's key store: its key and certificate chain (broker, CA). */
    Path brokerKeyStore() {
        return dir.resolve("broker.p12");
    }

    /** The client's key store for mutual TLS: its key and certificate chain (client, CA). */
    Path clientKeyStore() {
        return dir.resolve("client.p12");
    }

    /** The trust store holding the CA certificate; brokers and clients trust it. */
    Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    private static TestCertificates make() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        try {
            Path dir = Files.createTempDirectory("eddy-tls-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> BrokerNode.deleteRecursively(dir)));
            TestCertificates certs = new TestCertificates(dir, HexFormat.of().formatHex(random));
            certs.makeFiles();
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for test certificates", e);
        }
    }

    private void makeFiles() {
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", CA_SUBJECT,
                "-ext", "bc:c", "-validity", VALIDITY_DAYS, "-storetype", "PKCS12", "-keystore", ca.toString(),
                "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-alias", "ca", "-rfc", "-file", caPem.toString(), "-keystore", ca.toString(),
                "-storepass", password);
        CompletableFuture<Void> broker = CompletableFuture.runAsync(() -> signedKeyStore(ca, caPem, "broker",
                "CN=localhost", brokerKeyStore(), "SAN=ip:127.0.0.1,dns:localhost"));
        CompletableFuture<Void> client = CompletableFuture.runAsync(() -> signedKeyStore(ca, caPem, "client",
                CLIENT_SUBJECT, clientKeyStore(), null));
        keytool("-importcert", "-alias", "ca", "-file", caPem.toString(), "-noprompt", "-storetype", "PKCS12",
                "-keystore", trustStore().toString(), "-storepass", password);
        try {
            broker.join();
            client.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** A key store holding a new key pair for {@code subject}, its certificate signed by the CA, and the CA. */
    private void signedKeyStore(Path ca, Path caPem, String alias, String subject, Path store, String extension) {
        Path request = dir.resolve(alias + ".csr");
        Path certificate = dir.resolve(alias + ".pem");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", subject,
                "-validity", VALIDITY_DAYS, "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", password, "-keypass", password);
        keytool("-certreq", "-alias", alias, "-file", request.toString(), "-keystore", store.toString(),
                "-storepass", password);
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-infile", request.toString(),
                "-outfile", certificate.toString(), "-rfc", "-validity", VALIDITY_DAYS, "-keystore", ca.toString(),
                "-storepass", password));
        if (extension != null) {
            sign.addAll(List.of("-ext", extension));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-alias", "ca", "-file", caPem.toString(), "-noprompt", "-keystore", store.toString(),
                "-storepass", password);
        keytool("-importcert", "-alias", alias, "-file", certificate.toString(), "-keystore", store.toString(),
                "-storepass", password);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        // a short-lived JVM: skip the optimizing compiler and the parallel collector's start-up cost
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
        String what = args[0] + " " + args[2];
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + what + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                // the output names the step; the arguments (which hold the test password) are not shown
                throw new IllegalStateException("keytool " + what + " exited with status " + process.exitValue()
                        + ": " + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool " + what, e);
        }
    }
}
