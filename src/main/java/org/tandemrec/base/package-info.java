/**
 * General-purpose helpers every layer uses and no layer owns: {@link org.tandemrec.base.AtomicFile}
 * (write to a temporary file, fsync, rename: nothing half-written looks complete),
 * {@link org.tandemrec.base.Directories}, {@link org.tandemrec.base.DirectoryLock} (one process
 * writes a run directory at a time), {@link org.tandemrec.base.UnusableFileException}, {@link org.tandemrec.base.Progress} (bar with rate and
 * ETA on a terminal, periodic log lines otherwise), {@link org.tandemrec.base.Measurement},
 * {@link org.tandemrec.base.SettingsFile} (YAML/JSON settings with typed, key-naming errors) and
 * {@link org.tandemrec.base.RowParallel} (loops over rows on a fixed set of threads) and
 * {@link org.tandemrec.base.UsageException} (a value the user chose is wrong: exit code 2). It imports no
 * other Tandem package.
 */
package org.tandemrec.base;
