package dev.certsonar.cli.inspect;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Kubernetes TLS secrets as {@code kubectl get secret -o yaml} (or {@code -o json}) writes them: the certificates of
 * {@code tls.crt}, from {@code stringData} (PEM text) or else {@code data} (base64). One file may hold several
 * documents, or a {@code List} with {@code items}; objects of other kinds are passed over. {@code tls.key} is never
 * used or shown, and {@code ca.crt} is not part of the chain (a server does not send it).
 */
final class KubernetesSecrets {

    private static final Pattern KUBERNETES_OBJECT = Pattern.compile("(?m)^(apiVersion|kind)\\s*:");
    private static final String TLS_CRT = "tls.crt";

    private KubernetesSecrets() {
    }

    /** Whether the text looks like a Kubernetes object in YAML (an apiVersion or kind key at the start of a line). */
    static boolean looksLikeYaml(String text) {
        return KUBERNETES_OBJECT.matcher(text).find();
    }

    /** The certificates of each TLS secret of the text, one group per secret, named by namespace and name. */
    static List<List<StoredCertificate>> read(String text, boolean json) throws InputProblem {
        String format = json ? "JSON" : "YAML";
        List<JsonNode> objects = new ArrayList<>();
        for (JsonNode document : documents(text, json, format)) {
            JsonNode items = document.get("items");
            if (items != null && items.isArray() && !document.has("data") && !document.has("stringData")) {
                items.forEach(objects::add);
            } else {
                objects.add(document);
            }
        }
        List<List<StoredCertificate>> groups = new ArrayList<>();
        Set<String> others = new TreeSet<>();
        int index = 0;
        for (JsonNode object : objects) {
            index++;
            if (!object.isObject()) {
                others.add("a " + object.getNodeType().name().toLowerCase(Locale.ROOT));
                continue;
            }
            String kind = object.path("kind").asText(null);
            if (kind != null && !"Secret".equals(kind)) {
                others.add("a " + kind);
                continue;
            }
            String name = name(object, index);
            JsonNode stringData = object.path("stringData").get(TLS_CRT);
            JsonNode data = object.path("data").get(TLS_CRT);
            if (stringData == null && data == null) {
                String type = object.path("type").asText(null);
                if ("kubernetes.io/tls".equals(type)) {
                    throw InputProblem.broken("secret " + name + " of type kubernetes.io/tls has no tls.crt in data or stringData");
                }
                others.add("a Secret without tls.crt");
                continue;
            }
            String field = stringData != null ? "stringData.tls.crt" : "data.tls.crt";
            JsonNode value = stringData != null ? stringData : data;
            if (!value.isTextual()) {
                throw InputProblem.broken("secret " + name + ": " + field + " is not a string");
            }
            byte[] bytes = stringData != null ? value.asText().getBytes(StandardCharsets.UTF_8) : base64(value.asText(), name, field);
            try {
                groups.add(CertificateFiles.stored(CertificateFiles.certificates(bytes), name));
            } catch (InputProblem e) {
                throw e.within("secret " + name + ": " + field);
            }
        }
        if (groups.isEmpty()) {
            throw InputProblem.notCertificates(format + " that is not a Kubernetes TLS secret"
                    + (others.isEmpty() ? "" : " (it holds " + String.join(", ", others) + ")"));
        }
        return groups;
    }

    private static List<JsonNode> documents(String text, boolean json, String format) throws InputProblem {
        ObjectMapper mapper = json ? new ObjectMapper() : new YAMLMapper();
        try {
            List<JsonNode> documents = new ArrayList<>();
            for (JsonNode d : mapper.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll()) {
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    documents.add(d);
                }
            }
            return documents;
        } catch (JsonProcessingException e) {
            // the parser's own message may quote the text, which may hold a private key: say only where
            JsonLocation at = e.getLocation();
            throw InputProblem.broken("not valid " + format
                    + (at == null || at.getLineNr() < 0 ? "" : " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException | RuntimeException e) {
            throw InputProblem.broken("not valid " + format);
        }
    }

    private static String name(JsonNode secret, int index) {
        String name = secret.path("metadata").path("name").asText(null);
        String namespace = secret.path("metadata").path("namespace").asText(null);
        if (name == null) {
            return "#" + index;
        }
        return namespace == null ? name : namespace + "/" + name;
    }

    private static byte[] base64(String value, String name, String field) throws InputProblem {
        try {
            return Base64.getDecoder().decode(value.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw InputProblem.broken("secret " + name + ": " + field + " is not valid base64, perhaps cut short (" + e.getMessage() + ")");
        }
    }
}
