package org.tandemrec.base;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.Locale;

/**
 * Where Tandem's tensors live: every tensor manager Tandem opens comes from here, so the device
 * is chosen in one place. The CPU unless the system property {@value #PROPERTY} says {@code gpu}
 * (the first GPU), which needs PyTorch's CUDA native library in place of the CPU one (the Maven
 * properties {@code pytorch.native.artifact} and {@code pytorch.native.classifier}); without a
 * GPU the choice is refused rather than silently run on the CPU.
 */
public final class TensorDevice {
    /** The system property choosing the device: {@code cpu} (default) or {@code gpu}. */
    public static final String PROPERTY = "tandem.device";

    private TensorDevice() {
    }

    /** The device the property names. */
    public static Device get() {
        String v = System.getProperty(PROPERTY, "cpu").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (Engine.getInstance().getGpuCount() == 0) {
                    throw new UsageException("-D" + PROPERTY + "=gpu: the PyTorch library in use has no GPU; build with "
                            + "a CUDA native library (-Dpytorch.native.artifact=...) on a machine with one, or use cpu");
                }
                yield Device.gpu();
            }
            default -> throw new UsageException("-D" + PROPERTY + " must be cpu or gpu, got '" + v + "'");
        };
    }

    /** A new root tensor manager on {@link #get()}'s device. */
    public static NDManager newManager() {
        return NDManager.newBaseManager(get());
    }
}
