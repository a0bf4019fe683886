package org.tandemrec.split;

import org.tandemrec.data.InteractionTable;

/** Divides an interaction table into train, validation and test parts. */
public interface Splitter {
    SplitParts split(InteractionTable table);

    /** The splitter the config asks for. */
    static Splitter of(SplitConfig config) {
        return switch (config.protocol()) {
            case LOO -> new LeaveOneOutSplit(config.minInteractions());
            case TIME -> new GlobalTimeSplit(config.trainFraction(), config.validFraction());
            case RANDOM -> new RandomSplit(config.trainFraction(), config.validFraction(),
                    new RandomStreams(config.seed()).stream("random-split"));
        };
    }
}
