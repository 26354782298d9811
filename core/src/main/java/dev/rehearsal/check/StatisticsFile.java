package dev.rehearsal.check;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.check.ProductionSizes.TableSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The statistics file of {@link ProductionSizes}: reading it, with an error that names the file, the line or the
 * field and the fix, and writing it.
 */
final class StatisticsFile {
    private static final Set<String> TOP_LEVEL = Set.of("source", "taken", "tables");
    private static final Set<String> PER_TABLE = Set.of("rows", "bytes", "nullFraction");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatisticsFile() {
    }

    /** The tables of a statistics file, by name as written. */
    static Map<String, TableSize> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(named(file) + ": the file does not exist: give the path of a statistics "
                    + "file, e.g. one written by rehearsal stats --url <production> > " + file.getFileName());
        } catch (IOException e) {
            throw new ConfigurationException(named(file) + ": the file cannot be read: " + e, e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ConfigurationException(named(file) + ": the file is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ": "
                    + e.getOriginalMessage() + ". " + FIX, e);
        }
        if (root == null || !root.isObject()) {
            throw malformed(file, "the file", "must be a JSON object with \"tables\"");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TOP_LEVEL.contains(name)) {
                throw malformed(file, "\"" + name + "\"", "is not a field of a statistics file (they are "
                        + "\"tables\", \"source\" and \"taken\")");
            }
        }
        JsonNode tableNodes = root.path("tables");
        if (!tableNodes.isObject()) {
            throw malformed(file, "\"tables\"", "is missing or not an object of tables by schema-qualified name");
        }
        Map<String, TableSize> tables = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = tableNodes.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            tables.put(entry.getKey(), table(file, entry.getKey(), entry.getValue()));
        }
        return tables;
    }

    private static final String FIX = "Write it as {\"tables\": {\"public.orders\": {\"rows\": 2000000}}}, or produce "
            + "it with rehearsal stats --url <production> > production-stats.json";

    private static TableSize table(Path file, String name, JsonNode node) {
        String at = "tables.\"" + name + "\"";
        if (!name.contains(".")) {
            throw malformed(file, at, "is not schema-qualified: write it as schema.table, e.g. public." + name);
        }
        if (!node.isObject()) {
            throw malformed(file, at, "must be an object such as {\"rows\": 2000000}");
        }
        for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!PER_TABLE.contains(field)) {
                throw malformed(file, at + "." + field, "is not a field of a table (they are \"rows\", \"bytes\" "
                        + "and \"nullFraction\")");
            }
        }
        long rows = count(file, at + ".rows", node.get("rows"), true);
        Long bytes = node.has("bytes") ? count(file, at + ".bytes", node.get("bytes"), false) : null;
        Map<String, Double> nulls = new TreeMap<>();
        JsonNode fractions = node.path("nullFraction");
        if (!fractions.isMissingNode()) {
            if (!fractions.isObject()) {
                throw malformed(file, at + ".nullFraction", "must be an object of columns, e.g. {\"note\": 0.4}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> columns = fractions.fields(); columns.hasNext(); ) {
                Map.Entry<String, JsonNode> column = columns.next();
                JsonNode value = column.getValue();
                if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
                    throw malformed(file, at + ".nullFraction.\"" + column.getKey() + "\"", "is " + value
                            + ": give the share of NULLs, a number between 0 and 1");
                }
                nulls.put(column.getKey(), value.asDouble());
            }
        }
        return new TableSize(rows, bytes, nulls);
    }

    private static long count(Path file, String at, JsonNode value, boolean required) {
        if (value == null || value.isNull()) {
            throw malformed(file, at, required ? "is missing: give the table's rows, e.g. \"rows\": 2000000"
                    : "is null: give a whole number or leave the field out");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw malformed(file, at, "is " + value + ": give a whole number, not negative, e.g. 2000000");
        }
        return value.asLong();
    }

    private static ConfigurationException malformed(Path file, String field, String problem) {
        return new ConfigurationException(named(file) + ": " + field + " " + problem + ". " + FIX);
    }

    /** The file as the setting that names it, as the front end in use spells it: {@code --production-sizes f.json}. */
    private static String named(Path file) {
        return Setting.PRODUCTION_SIZES.spelled(file.toString());
    }

    /** The file's text: the tables in name order, the source when known, and the time it is written. */
    static String write(String source, Map<String, TableSize> tables) {
        ObjectNode root = JSON.createObjectNode();
        if (source != null) {
            root.put("source", source);
        }
        root.put("taken", Instant.now().toString());
        ObjectNode tableNodes = root.putObject("tables");
        new TreeMap<>(tables).forEach((name, size) -> {
            ObjectNode table = tableNodes.putObject(name);
            table.put("rows", size.rows());
            if (size.bytes() != null) {
                table.put("bytes", size.bytes());
            }
            if (!size.nullFractions().isEmpty()) {
                ObjectNode nulls = table.putObject("nullFraction");
                new TreeMap<>(size.nullFractions()).forEach(nulls::put);
            }
        });
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is always JSON", e);
        }
    }
}
