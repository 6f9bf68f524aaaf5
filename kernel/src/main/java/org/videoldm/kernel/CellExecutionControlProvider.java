package org.videoldm.kernel;

import java.util.Map;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/** Hands JShell the kernel's {@link CellExecutionControl}, created beforehand so the kernel can reach it. */
final class CellExecutionControlProvider implements ExecutionControlProvider {
    private final CellExecutionControl control;

    CellExecutionControlProvider(CellExecutionControl control) {
        this.control = control;
    }

    @Override
    public String name() {
        return "videoldm-cell";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        return control;
    }
}
