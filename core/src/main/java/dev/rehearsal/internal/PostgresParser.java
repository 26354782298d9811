package dev.rehearsal.internal;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's parser — the server's own grammar, {@code gram.y} of PostgreSQL 18, extracted as libpg_query and
 * compiled to WebAssembly (the npm package {@code libpg-query}) — run in the JVM by Chicory, so that Rehearsal can
 * tell what a statement is before any server sees it, on every platform and without native code.
 *
 * <p>The module was built with Emscripten, whose host interface this class provides: {@code setjmp}/{@code longjmp}
 * (PostgreSQL's error handling: {@code ereport} jumps back to the parser's {@code PG_TRY}) go through the
 * {@code invoke_*} trampolines, which call the function from the module's table and turn a long jump into
 * {@code setThrew}; the heap grows on request; anything written to a file descriptor (nothing, normally) is dropped.
 * One instance serves the JVM; calls are serialised (the module is single-threaded). Loading takes about a second,
 * once, on first use; a statement parses in about a millisecond.
 */
public final class PostgresParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Emscripten's minified names of the imports (module "a") and exports this glue needs, for libpg-query 18.1.5. */
    private static final String LONGJMP = "p";
    private static final String RESIZE_HEAP = "q";
    private static final String FD_WRITE = "t";
    private static final String FD_CLOSE = "u";
    private static final String FD_SEEK = "s";
    private static final String FD_READ = "r";
    private static final String KEEPALIVE_CLEAR = "w";
    private static final String SET_TIMER = "o";
    private static final Map<String, String> INVOKES = Map.ofEntries(Map.entry("g", "invoke_i"),
            Map.entry("b", "invoke_ii"), Map.entry("a", "invoke_iii"), Map.entry("d", "invoke_iiii"),
            Map.entry("k", "invoke_iiiii"), Map.entry("l", "invoke_ji"), Map.entry("e", "invoke_v"),
            Map.entry("f", "invoke_vi"), Map.entry("h", "invoke_vii"), Map.entry("j", "invoke_viii"),
            Map.entry("i", "invoke_viiii"), Map.entry("y", "invoke_viiiii"), Map.entry("n", "invoke_viiiiiiiiiiiii"));
    private static final String CTORS = "A";
    private static final String MALLOC = "C";
    private static final String FREE = "E";
    private static final String PARSE = "F";
    private static final String FREE_PARSE_RESULT = "G";
    private static final String PARSE_PLPGSQL = "H";
    private static final String NORMALIZE = "J";
    private static final String FREE_STRING = "N";
    private static final String SET_THREW = "P";
    private static final String STACK_RESTORE = "Q";
    private static final String STACK_CURRENT = "R";

    private static volatile PostgresParser shared;

    private final Instance instance;

    /** PostgreSQL raised an error while parsing (a syntax error, say). */
    public static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    /** A long jump in flight through Java frames; carries no stack trace. */
    private static final class LongJump extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LongJump() {
            super(null, null, false, false);
        }
    }

    private PostgresParser(Instance instance) {
        this.instance = instance;
    }

    /** The JVM's parser, loaded on first use. */
    public static PostgresParser get() {
        PostgresParser parser = shared;
        if (parser == null) {
            synchronized (PostgresParser.class) {
                parser = shared;
                if (parser == null) {
                    parser = load();
                    shared = parser;
                }
            }
        }
        return parser;
    }

    /**
     * The parse tree of {@code sql} (one or more statements), as libpg_query's JSON: {@code {"version":…,
     * "stmts":[{"stmt":{"<NodeType>":{…}}}, …]}}.
     *
     * @throws SyntaxError when PostgreSQL's grammar rejects it
     */
    public synchronized JsonNode parse(String sql) throws SyntaxError {
        Memory memory = instance.memory();
        int input = cString(sql);
        int result = 0;
        try {
            result = call(PARSE, input);
            if (result == 0) {
                throw new IllegalStateException("libpg_query could not allocate memory for a parse");
            }
            int tree = memory.readInt(result);
            int error = memory.readInt(result + 8);
            if (error != 0) {
                throw new SyntaxError(memory.readCString(memory.readInt(error)));
            }
            return json(memory.readCString(tree));
        } finally {
            call(FREE, input);
            if (result != 0) {
                call(FREE_PARSE_RESULT, result);
            }
        }
    }

    /**
     * The PL/pgSQL tree of a {@code CREATE FUNCTION … LANGUAGE plpgsql} statement, with the SQL of each embedded
     * statement and expression as text ({@code "query"} fields).
     *
     * @throws SyntaxError when PL/pgSQL's grammar rejects the body
     */
    public synchronized JsonNode parsePlpgsql(String createFunction) throws SyntaxError {
        String text = text(PARSE_PLPGSQL, createFunction);
        if (!text.startsWith("{") && !text.startsWith("[")) {
            throw new SyntaxError(text);
        }
        return json(text);
    }

    /**
     * {@code sql} with every constant replaced by a parameter symbol ({@code $1}, {@code $2}, ...), as
     * {@code pg_stat_statements} shows a statement: {@code SELECT * FROM users WHERE email = 'a@b.c' LIMIT 10}
     * becomes {@code SELECT * FROM users WHERE email = $1 LIMIT $2}. What is not a constant — names, keywords,
     * comments — is kept as written.
     *
     * @throws SyntaxError when PostgreSQL's grammar rejects it
     */
    public synchronized String normalize(String sql) throws SyntaxError {
        String text = text(NORMALIZE, sql);
        if (text.isEmpty() || text.startsWith("syntax error") || text.startsWith("ERROR")) {
            throw new SyntaxError(text.isEmpty() ? "libpg_query could not normalize the statement" : text);
        }
        return text;
    }

    /** What an export that takes a C string and returns one (freed here, as is the input) made of {@code input}. */
    private String text(String export, String input) {
        int pointer = cString(input);
        int result = 0;
        try {
            result = call(export, pointer);
            return result == 0 ? "" : instance.memory().readCString(result);
        } finally {
            call(FREE, pointer);
            if (result != 0) {
                call(FREE_STRING, result);
            }
        }
    }

    private int cString(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int pointer = call(MALLOC, bytes.length + 1);
        if (pointer == 0) {
            throw new IllegalStateException("libpg_query could not allocate " + (bytes.length + 1) + " bytes");
        }
        instance.memory().write(pointer, bytes);
        instance.memory().writeByte(pointer + bytes.length, (byte) 0);
        return pointer;
    }

    private int call(String export, long... arguments) {
        long[] result = instance.export(export).apply(arguments);
        return result == null || result.length == 0 ? 0 : (int) result[0];
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("libpg_query returned unreadable JSON", e);
        }
    }

    private static PostgresParser load() {
        WasmModule module;
        try (InputStream wasm = PostgresParser.class.getResourceAsStream("wasm/libpg-query.wasm")) {
            if (wasm == null) {
                throw new IllegalStateException("PostgreSQL's parser (dev/rehearsal/internal/wasm/libpg-query.wasm) is "
                        + "missing from rehearsal-core's jar");
            }
            module = Parser.parse(wasm);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read PostgreSQL's parser from rehearsal-core's jar", e);
        }
        List<ImportFunction> functions = new ArrayList<>();
        ImportSection imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            FunctionImport function = (FunctionImport) imports.getImport(i);
            FunctionType type = module.typeSection().getType(function.typeIndex());
            functions.add(new HostFunction(function.module(), function.name(), type,
                    host(function.name(), type)));
        }
        Instance instance = Instance.builder(module)
                .withImportValues(ImportValues.builder().withFunctions(functions).build()).build();
        instance.export(CTORS).apply();
        return new PostgresParser(instance);
    }

    private static WasmFunctionHandle host(String name, FunctionType type) {
        if (INVOKES.containsKey(name)) {
            return (instance, arguments) -> invoke(instance, type, arguments);
        }
        switch (name) {
            case LONGJMP:
                return (instance, arguments) -> {
                    throw new LongJump();
                };
            case RESIZE_HEAP:
                return (instance, arguments) -> new long[] {grow(instance.memory(), arguments[0]) ? 1 : 0};
            case FD_WRITE:
                return (instance, arguments) -> {
                    // Nothing to show: count the bytes as written.
                    Memory memory = instance.memory();
                    long written = 0;
                    for (int i = 0; i < (int) arguments[2]; i++) {
                        written += memory.readInt((int) arguments[1] + 8 * i + 4);
                    }
                    memory.writeI32((int) arguments[3], (int) written);
                    return new long[] {0};
                };
            case FD_CLOSE, FD_SEEK, FD_READ, KEEPALIVE_CLEAR, SET_TIMER:
                return (instance, arguments) -> type.returns().isEmpty() ? null : new long[] {0};
            default:
                // abort, assert_fail, exit, proc_exit: the parser stopped for good
                return (instance, arguments) -> {
                    throw new IllegalStateException("PostgreSQL's parser stopped (" + name + " "
                            + Arrays.toString(arguments) + ")");
                };
        }
    }

    /** Emscripten's invoke_*: calls table entry {@code arguments[0]}; a long jump out of it sets "threw". */
    private static long[] invoke(Instance instance, FunctionType type, long... arguments) {
        long stack = instance.export(STACK_CURRENT).apply()[0];
        int function = instance.table(0).requiredRef((int) arguments[0]);
        try {
            return instance.getMachine().call(function, Arrays.copyOfRange(arguments, 1, arguments.length));
        } catch (LongJump jump) {
            instance.export(STACK_RESTORE).apply(stack);
            instance.export(SET_THREW).apply(1, 0);
            return type.returns().isEmpty() ? null : new long[] {0};
        }
    }

    private static boolean grow(Memory memory, long requested) {
        long current = (long) memory.pages() * Memory.PAGE_SIZE;
        if (requested <= current) {
            return true;
        }
        int pages = (int) ((requested - current + Memory.PAGE_SIZE - 1) / Memory.PAGE_SIZE);
        return memory.grow(pages) >= 0;
    }
}
