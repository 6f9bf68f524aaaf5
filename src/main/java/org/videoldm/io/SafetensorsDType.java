package org.videoldm.io;

import ai.djl.ndarray.types.DataType;

/** The element types of the safetensors format that this project reads and writes. */
public enum SafetensorsDType {
    F64(8, DataType.FLOAT64),
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    // Held as FLOAT32 in memory: the PyTorch engine of DJL 0.36 aborts on bfloat16 casts.
    BF16(2, DataType.FLOAT32),
    I64(8, DataType.INT64),
    I32(4, DataType.INT32),
    I8(1, DataType.INT8),
    U8(1, DataType.UINT8),
    BOOL(1, DataType.BOOLEAN);

    public final int bytes;
    public final DataType memoryType;

    SafetensorsDType(int bytes, DataType memoryType) {
        this.bytes = bytes;
        this.memoryType = memoryType;
    }

    /** The safetensors name for a DJL data type, for writing. */
    public static SafetensorsDType of(DataType type) {
        switch (type) {
            case FLOAT64: return F64;
            case FLOAT32: return F32;
            case FLOAT16: return F16;
            case INT64: return I64;
            case INT32: return I32;
            case INT8: return I8;
            case UINT8: return U8;
            case BOOLEAN: return BOOL;
            default: throw new IllegalArgumentException("safetensors: cannot write data type " + type);
        }
    }

    /** Parses a header dtype, or returns null when this project does not read it. */
    public static SafetensorsDType parse(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
