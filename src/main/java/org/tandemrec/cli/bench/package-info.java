/**
 * {@code tandem bench}: one subcommand per benchmark of {@link org.tandemrec.bench} ({@code data},
 * {@code crm}, {@code llm}, {@code bdlm}, {@code corella}, {@code serve}), each printing the
 * figures it measured in one run (ratios against a peak or a reference measured in the same run)
 * as a table or, with {@code --json}, one JSON object.
 */
package org.tandemrec.cli.bench;
