package org.tandemrec.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TensorDeviceTest {
    @AfterEach
    void clear() {
        System.clearProperty(TensorDevice.PROPERTY);
    }

    @Test
    void theCpuUnlessThePropertySaysOtherwise() {
        assertEquals(Device.cpu(), TensorDevice.get());
        try (NDManager m = TensorDevice.newManager()) {
            assertEquals(Device.cpu(), m.create(new float[] {1, 2}).getDevice());
        }
        System.setProperty(TensorDevice.PROPERTY, " CPU ");
        assertEquals(Device.cpu(), TensorDevice.get());
    }

    @Test
    void anUnknownDeviceOrAMissingGpuIsAUsageError() {
        System.setProperty(TensorDevice.PROPERTY, "tpu");
        UsageException e = assertThrows(UsageException.class, TensorDevice::get);
        assertEquals("-Dtandem.device must be cpu or gpu, got 'tpu'", e.getMessage());
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        System.setProperty(TensorDevice.PROPERTY, "gpu");
        UsageException g = assertThrows(UsageException.class, TensorDevice::get);
        assertTrue(g.getMessage().startsWith("-Dtandem.device=gpu: the PyTorch library in use has no GPU"), g.getMessage());
    }
}
