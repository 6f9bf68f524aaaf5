package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;
import org.videoldm.util.Setting;
import org.videoldm.util.TorchFlags;

/**
 * libtorch operators that DJL reaches only as several: {@code linear} (DJL's JNI computes it as transpose + matmul +
 * add, three operators forward and more backward; libtorch's own folds a contiguous 3-D input into one {@code addmm})
 * and {@code silu} (DJL has none: sigmoid + mul). Called through the JDK's foreign-function API on the libtorch DJL
 * loaded, through the dispatcher entry points ({@code at::_ops::X::call}), so autograd records them as usual.
 *
 * <p>The calls follow the C++ ABI of x86-64 Linux: a returned {@code at::Tensor} (one pointer, non-trivial) comes back
 * through a hidden result slot, allocated here with C++'s {@code operator new} so that DJL's {@code delete} of the handle
 * frees it; {@code std::optional<at::Tensor>} is the pointer followed by an engaged flag. A C++ exception cannot cross
 * this boundary, so every precondition libtorch would check is checked here first. Without the foreign-function API
 * (JVM flags), or with {@code VIDEOLDM_NATIVE_OPS=0}, the DJL forms are used; results agree to rounding.
 */
public final class NativeOps {
    private NativeOps() {}

    private static final boolean ENABLED = Setting.lookup("videoldm.native_ops", "VIDEOLDM_NATIVE_OPS").map(v -> !v.equals("0")).orElse(true)
            && Native.load();

    /** Whether the one-operator forms are in use. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** {@code x @ weight^T + bias} over the last axis; {@code bias} may be null. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (!ENABLED || !(x instanceof PtNDArray) || !(weight instanceof PtNDArray) || (bias != null && !(bias instanceof PtNDArray))
                || !sameKind(x, weight) || (bias != null && !sameKind(x, bias))) {
            // mixed types or devices: DJL's form, which converts where libtorch's would throw (and an exception must not reach the FFI frame)
            return bias == null ? ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow() : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        }
        long[] xs = x.getShape().getShape();
        long[] ws = weight.getShape().getShape();
        if (ws.length != 2 || xs.length < 1 || xs[xs.length - 1] != ws[1]) {
            throw new IllegalArgumentException("linear: input " + x.getShape() + " does not fit weight " + weight.getShape());
        }
        if (bias != null && (bias.getShape().dimension() != 1 || bias.getShape().get(0) != ws[0])) {
            throw new IllegalArgumentException("linear: bias " + bias.getShape() + " for weight " + weight.getShape());
        }
        return Native.linear((PtNDArray) x, (PtNDArray) weight, (PtNDArray) bias);
    }

    /** SiLU, {@code x * sigmoid(x)}, as one operator (its backward one too). */
    public static NDArray silu(NDArray x) {
        if (!ENABLED || !(x instanceof PtNDArray) || !x.getDataType().isFloating()) {
            return x.mul(ai.djl.nn.Activation.sigmoid(x));
        }
        return Native.silu((PtNDArray) x);
    }

    private static boolean sameKind(NDArray a, NDArray b) {
        return a.getDataType() == b.getDataType() && a.getDataType().isFloating() && a.getDevice().equals(b.getDevice());
    }

    /** The foreign-function calls, in their own class so that a JVM without the incubator module never loads it. */
    private static final class Native {
        private static MethodHandle newSlot;
        private static MethodHandle linear;
        private static MethodHandle silu;

        static boolean load() {
            try {
                if (!TorchFlags.available()) {
                    return false;
                }
                CLinker c = CLinker.getInstance();
                newSlot = c.downcallHandle(symbol("_Znwm"), MethodType.methodType(MemoryAddress.class, long.class),
                        FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_LONG));
                // at::_ops::linear::call(const Tensor&, const Tensor&, const std::optional<Tensor>&), result through the hidden slot
                linear = c.downcallHandle(symbol("_ZN2at4_ops6linear4callERKNS_6TensorES4_RKSt8optionalIS2_E"),
                        MethodType.methodType(MemoryAddress.class, MemoryAddress.class, MemoryAddress.class, MemoryAddress.class, MemoryAddress.class),
                        FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER));
                silu = c.downcallHandle(symbol("_ZN2at4_ops4silu4callERKNS_6TensorE"),
                        MethodType.methodType(MemoryAddress.class, MemoryAddress.class, MemoryAddress.class),
                        FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER));
                return true;
            } catch (Throwable e) {
                return false;
            }
        }

        static NDArray linear(PtNDArray x, PtNDArray weight, PtNDArray bias) {
            MemoryAddress slot = slot();
            try (ResourceScope scope = ResourceScope.newConfinedScope()) {
                MemorySegment optional = MemorySegment.allocateNative(16, 8, scope);
                optional.fill((byte) 0);
                if (bias != null) {
                    // the optional holds a copy of the Tensor (its TensorImpl pointer) without a reference of its own:
                    // it is only read through the const reference and never destroyed
                    MemoryAccess.setLongAtOffset(optional, 0, implOf(bias, scope));
                    MemoryAccess.setByteAtOffset(optional, 8, (byte) 1);
                }
                MemoryAddress unused = (MemoryAddress) linear.invokeExact(slot, handle(x), handle(weight), optional.address());
            } catch (Throwable e) {
                throw new IllegalStateException("linear through libtorch failed: " + e, e);
            }
            return new PtNDArray((PtNDManager) x.getManager(), slot.toRawLongValue());
        }

        static NDArray silu(PtNDArray x) {
            MemoryAddress slot = slot();
            try {
                MemoryAddress unused = (MemoryAddress) silu.invokeExact(slot, handle(x));
            } catch (Throwable e) {
                throw new IllegalStateException("silu through libtorch failed: " + e, e);
            }
            return new PtNDArray((PtNDManager) x.getManager(), slot.toRawLongValue());
        }

        private static MemoryAddress slot() {
            try {
                return (MemoryAddress) newSlot.invokeExact(8L);
            } catch (Throwable e) {
                throw new IllegalStateException("operator new failed: " + e, e);
            }
        }

        /** DJL's handle is the address of a heap {@code at::Tensor}. */
        private static MemoryAddress handle(PtNDArray a) {
            return MemoryAddress.ofLong(a.getHandle());
        }

        private static long implOf(PtNDArray a, ResourceScope scope) {
            return MemoryAccess.getLong(handle(a).asSegment(8, scope));
        }

        private static MemoryAddress symbol(String name) {
            return SymbolLookup.loaderLookup().lookup(name).orElseThrow(() -> new IllegalStateException("libtorch has no symbol " + name));
        }
    }
}
