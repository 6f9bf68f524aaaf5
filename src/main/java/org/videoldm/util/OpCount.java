package org.videoldm.util;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

/**
 * libtorch operator counts for benchmarks, through the native helper {@code scripts/opcount/opcount.cpp} (built to
 * the file named by the setting {@code videoldm.opcount} / {@code VIDEOLDM_OPCOUNT}). The helper registers a global
 * record-function callback, so it sees every operator, including those the autograd engine runs in the backward
 * pass, which no JNI-side count can. Without the setting, {@link #available()} is false and nothing is loaded.
 */
public final class OpCount {
    private OpCount() {}

    /** Operators called from outside any other operator, all operators including nested ones, autograd nodes. */
    public record Counts(long top, long all, long nodes) {
        Counts minus(Counts o) {
            return new Counts(top - o.top, all - o.all, nodes - o.nodes);
        }
    }

    private static boolean tried;
    private static boolean byName;
    private static MethodHandle read;
    private static MethodHandle dump;
    private static MethodHandle reset;

    /** Loads and starts the helper if the setting names it; true when counts are available. */
    public static synchronized boolean available() {
        if (tried) {
            return read != null;
        }
        tried = true;
        var lib = Setting.lookup("videoldm.opcount", "VIDEOLDM_OPCOUNT");
        if (lib.isEmpty()) {
            return false;
        }
        TorchFlags.init(); // libtorch loaded first: the helper looks its symbols up when started
        System.load(Path.of(lib.get()).toAbsolutePath().toString());
        try {
            CLinker c = CLinker.getInstance();
            MethodHandle start = c.downcallHandle(symbol("opcount_start"), MethodType.methodType(int.class, MemoryAddress.class, MemoryAddress.class, int.class),
                    FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_INT));
            byName = Setting.lookup("videoldm.opcount.names", "VIDEOLDM_OPCOUNT_NAMES").isPresent();
            MemoryAddress add = symbol("_ZN2at17addGlobalCallbackENS_22RecordFunctionCallbackE");
            MemoryAddress name = symbol("_ZNK2at14RecordFunction4nameEv");
            if ((int) start.invokeExact(add, name, byName ? 1 : 0) != 0) {
                throw new IllegalStateException("opcount_start failed");
            }
            read = c.downcallHandle(symbol("opcount_read"), MethodType.methodType(void.class, MemoryAddress.class),
                    FunctionDescriptor.ofVoid(CLinker.C_POINTER));
            reset = c.downcallHandle(symbol("opcount_reset"), MethodType.methodType(void.class), FunctionDescriptor.ofVoid());
            dump = c.downcallHandle(symbol("opcount_dump"), MethodType.methodType(int.class, MemoryAddress.class),
                    FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER));
        } catch (Throwable e) {
            throw new IllegalStateException("cannot start the op counter " + lib.get() + ": " + e, e);
        }
        return true;
    }

    public static synchronized Counts read() {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(24, scope);
            read.invokeExact(out.address());
            return new Counts(MemoryAccess.getLongAtIndex(out, 0), MemoryAccess.getLongAtIndex(out, 1), MemoryAccess.getLongAtIndex(out, 2));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts of what {@code r} runs. With the names setting, writes per-operator counts to {@code namesFile} (if not null). */
    public static synchronized Counts of(Runnable r, Path namesFile) {
        try {
            reset.invokeExact();
            Counts before = read();
            r.run();
            Counts c = read().minus(before);
            if (byName && namesFile != null) {
                Files.createDirectories(namesFile.toAbsolutePath().getParent());
                try (ResourceScope scope = ResourceScope.newConfinedScope()) {
                    int rc = (int) dump.invokeExact(CLinker.toCString(namesFile.toString(), scope).address());
                    if (rc != 0) {
                        throw new IllegalStateException("cannot write " + namesFile);
                    }
                }
            }
            return c;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MemoryAddress symbol(String name) {
        return SymbolLookup.loaderLookup().lookup(name).orElseThrow(() -> new IllegalStateException("no symbol " + name));
    }
}
