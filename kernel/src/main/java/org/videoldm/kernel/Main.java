package org.videoldm.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the kernel for the connection file Jupyter passes: {@code java -jar videoldm-kernel.jar CONNECTION_FILE}.
 * The sockets are bound before JShell is ready (it starts in the background), so the first kernel_info_request is
 * answered within a second of the start.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -jar videoldm-kernel.jar CONNECTION_FILE");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("videoldm-kernel: cannot read the connection file " + file + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        // The base kernel logs every message at INFO; -Dvideoldm.kernel.log=INFO shows that traffic when debugging.
        Logger.getLogger("").setLevel(Level.parse(System.getProperty("videoldm.kernel.log", "WARNING")));
        JShellKernel kernel = new JShellKernel();
        JupyterConnection connection = new JupyterConnection(KernelConnectionProperties.parse(json));
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        kernel.close();
        // Threads a notebook started (pools, timers) must not keep a shut-down kernel alive.
        System.exit(0);
    }
}
