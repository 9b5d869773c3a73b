/** Implementation of the registry Avro serdes; not API. */
package io.eddy.serde.avro.internal;
