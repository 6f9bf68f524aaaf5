package org.videoldm.util;

import ai.djl.engine.Engine;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Optional;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

/**
 * Process-wide libtorch switches that DJL does not expose, set through the JDK's foreign-function API on the libtorch
 * that DJL loaded. Two are used:
 *
 * <ul>
 *   <li><b>NNPACK off</b> ({@code torch.backends.nnpack.set_flags(False)}): inference convolutions that oneDNN does
 *       not take are otherwise offered to NNPACK, and on CPUs whose caches NNPACK cannot read it prints "Could not
 *       initialize NNPACK! Reason: Unsupported hardware." once per convolution (over a thousand lines per
 *       {@code generate}). Without NNPACK those convolutions use ATen's own kernel; results agree to rounding.</li>
 *   <li><b>Allocation poisoning</b> (c10's {@code caffe2_cpu_allocator_do_junk_fill}): every CPU buffer libtorch
 *       allocates is filled with a NaN pattern, so a kernel or a caller that reads memory nobody wrote
 *       ({@code torch.empty}, which is what {@code NDManager.create(Shape)} gives) produces NaN every time instead of
 *       whatever the memory held. A debugging setting: it costs a memset per allocation.</li>
 * </ul>
 *
 * <p>The JVM needs {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED} (the launcher, the
 * tests and the notebook kernel pass them). Without them, or with a libtorch that lacks the symbols, nothing is set
 * and {@link #status()} says why; nothing else changes.
 */
public final class TorchFlags {
    private TorchFlags() {}

    private static String status = "not initialised";
    private static boolean initialised;
    private static boolean poisoning;

    /**
     * Loads the engine (once) and applies the defaults: NNPACK off, and allocation poisoning when the setting
     * {@code videoldm.poison} / {@code VIDEOLDM_POISON} is {@code 1} or {@code true}. Safe to call often.
     */
    public static synchronized void init() {
        if (initialised) {
            return;
        }
        initialised = true;
        Engine.getEngine("PyTorch"); // loads libtorch, so its symbols can be found
        try {
            Native.disableNnpack();
            status = "NNPACK off";
        } catch (Throwable e) {
            status = "libtorch flags unavailable (" + describe(e) + "); NNPACK stays on";
            return;
        }
        if (Setting.lookup("videoldm.poison", "VIDEOLDM_POISON").map(v -> v.equals("1") || v.equalsIgnoreCase("true")).orElse(false)) {
            poisonAllocations(true);
            System.err.println("videoldm: VIDEOLDM_POISON is set: every libtorch allocation starts as NaN (a debugging setting; slower)");
        }
        if (Setting.lookup("videoldm.anomaly", "VIDEOLDM_ANOMALY").map(v -> v.equals("1") || v.equalsIgnoreCase("true")).orElse(false)) {
            try {
                Native.setAnomaly(true);
                System.err.println("videoldm: VIDEOLDM_ANOMALY is set: a backward function that returns NaN stops the step with its name (slower)");
            } catch (Throwable e) {
                System.err.println("videoldm: VIDEOLDM_ANOMALY is set but cannot be applied: " + describe(e));
            }
        }
    }

    /** What {@link #init} managed to set, for diagnostics and bug reports. */
    public static synchronized String status() {
        return status;
    }

    /** Whether libtorch's flags can be set in this JVM. */
    public static synchronized boolean available() {
        init();
        return status.startsWith("NNPACK off");
    }

    /** libtorch's own answer to whether NNPACK may be used (false once {@link #init} has switched it off). */
    public static synchronized boolean nnpackEnabled() {
        init();
        try {
            return Native.nnpackEnabled();
        } catch (Throwable e) {
            return true; // cannot ask, so it was not switched off either
        }
    }

    /**
     * torch's autograd anomaly mode ({@code torch.autograd.set_detect_anomaly}): a backward function that returns NaN
     * raises an error naming it (e.g. {@code 'ConvolutionBackward0' returned nan values in its 0th output}).
     */
    public static synchronized void anomalyMode(boolean on) {
        init();
        Native.setAnomaly(on);
    }

    /** Whether allocation poisoning is on. */
    public static synchronized boolean poisoning() {
        return poisoning;
    }

    /**
     * Turns allocation poisoning on or off for every later libtorch CPU allocation.
     *
     * @throws IllegalStateException if the flags cannot be set in this JVM (the message says why)
     */
    public static synchronized void poisonAllocations(boolean on) {
        init();
        if (!status.startsWith("NNPACK off")) {
            throw new IllegalStateException("cannot poison libtorch allocations: " + status
                    + "; start the JVM with --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED");
        }
        Native.setJunkFill(on);
        poisoning = on;
    }

    private static String describe(Throwable e) {
        if (e instanceof NoClassDefFoundError) {
            return "the JVM was started without --add-modules jdk.incubator.foreign";
        }
        if (e instanceof IllegalCallerException) {
            return "the JVM was started without --enable-native-access=ALL-UNNAMED";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The foreign-function calls, in their own class so that a JVM without the incubator module never loads it. */
    private static final class Native {
        static void disableNnpack() throws Throwable {
            CLinker c = CLinker.getInstance();
            MethodHandle globalContext = c.downcallHandle(symbol("_ZN2at13globalContextEv"),
                    MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
            MethodHandle setNnpack = c.downcallHandle(symbol("_ZN2at7Context20setUserEnabledNNPACKEb"),
                    MethodType.methodType(void.class, MemoryAddress.class, byte.class), FunctionDescriptor.ofVoid(CLinker.C_POINTER, CLinker.C_CHAR));
            MemoryAddress ctx = (MemoryAddress) globalContext.invokeExact();
            setNnpack.invokeExact(ctx, (byte) 0);
            if (nnpackEnabled()) {
                throw new IllegalStateException("libtorch still reports NNPACK enabled");
            }
        }

        static boolean nnpackEnabled() throws Throwable {
            CLinker c = CLinker.getInstance();
            MethodHandle globalContext = c.downcallHandle(symbol("_ZN2at13globalContextEv"),
                    MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
            MethodHandle enabled = c.downcallHandle(symbol("_ZNK2at7Context17userEnabledNNPACKEv"),
                    MethodType.methodType(byte.class, MemoryAddress.class), FunctionDescriptor.of(CLinker.C_CHAR, CLinker.C_POINTER));
            return (byte) enabled.invokeExact((MemoryAddress) globalContext.invokeExact()) != 0;
        }

        static void setAnomaly(boolean on) {
            MemorySegment flag = symbol("_ZN5torch8autograd11AnomalyMode8_enabledE").asSegment(1, ResourceScope.globalScope());
            MemoryAccess.setByte(flag, (byte) (on ? 1 : 0));
        }

        static void setJunkFill(boolean on) {
            MemorySegment flag = symbol("FLAGS_caffe2_cpu_allocator_do_junk_fill").asSegment(1, ResourceScope.globalScope());
            MemoryAccess.setByte(flag, (byte) (on ? 1 : 0));
        }

        private static MemoryAddress symbol(String name) {
            Optional<MemoryAddress> a = SymbolLookup.loaderLookup().lookup(name);
            return a.orElseThrow(() -> new IllegalStateException("libtorch has no symbol " + name));
        }
    }
}
