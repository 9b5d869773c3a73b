/** The JSON Schema serde's implementation. Not exported. */
package io.eddy.serde.jsonschema.internal;
