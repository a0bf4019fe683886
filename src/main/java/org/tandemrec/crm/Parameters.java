package org.tandemrec.crm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;

/** New parameter sets shaped like a given one: a trained model's own copy, or the values of a model file. */
public final class Parameters {
    private Parameters() {
    }

    /** A deep copy: same names, shapes and kinds (dense or row-sparse), values cloned. */
    public static ParameterSet copy(ParameterSet params) {
        return withValues(params, p -> p.value().clone());
    }

    /** Parameters with the names, shapes and kinds of {@code shape} and the values {@code values} gives each. */
    public static ParameterSet withValues(ParameterSet shape, Function<Parameter, float[]> values) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : shape.list()) {
            float[] v = values.apply(p);
            out.add(p.rowSparse() ? Parameter.table(p.name(), p.rows(), p.cols(), v)
                    : Parameter.dense(p.name(), p.rows(), p.cols(), v));
        }
        return new ParameterSet(out);
    }
}
