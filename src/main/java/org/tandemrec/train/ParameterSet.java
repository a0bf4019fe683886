package org.tandemrec.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ordered, uniquely named parameters of one model (any mix of {@link Parameter.Kind}s). */
public final class ParameterSet {
    private final Map<String, Parameter> byName = new LinkedHashMap<>();

    public ParameterSet(List<Parameter> parameters) {
        for (Parameter p : parameters) {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("duplicate parameter name " + p.name());
            }
        }
    }

    public static ParameterSet of(Parameter... parameters) {
        return new ParameterSet(List.of(parameters));
    }

    public List<Parameter> list() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; have " + byName.keySet());
        }
        return p;
    }

    public void zeroGrad() {
        for (Parameter p : byName.values()) {
            p.zeroGrad();
        }
    }

    /** Total number of trained scalars. */
    public long size() {
        long n = 0;
        for (Parameter p : byName.values()) {
            n += p.size();
        }
        return n;
    }

    /** Copies of every parameter's trained values, in order (for keeping the best epoch). */
    public List<float[]> snapshot() {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : byName.values()) {
            out.add(p.copyValues());
        }
        return out;
    }

    /** Overwrites every parameter's values with a {@link #snapshot()}. */
    public void restore(List<float[]> snapshot) {
        List<Parameter> ps = list();
        if (snapshot.size() != ps.size()) {
            throw new IllegalArgumentException("snapshot has " + snapshot.size() + " tensors, parameters " + ps.size());
        }
        for (int i = 0; i < ps.size(); i++) {
            float[] src = snapshot.get(i);
            Parameter p = ps.get(i);
            if (src.length != p.size()) {
                throw new IllegalArgumentException("snapshot tensor " + p.name() + " has " + src.length
                        + " values, parameter " + p.size());
            }
            p.writeValues(src);
        }
    }
}
