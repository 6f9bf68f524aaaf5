package org.videoldm.io;

import ai.djl.ndarray.types.Shape;

/** One entry of a safetensors header: dtype, shape and byte range relative to the data section. */
public record TensorInfo(String name, SafetensorsDType dtype, Shape shape, long begin, long end) {
    public long byteLength() {
        return end - begin;
    }

    public long numel() {
        return shape.size();
    }
}
