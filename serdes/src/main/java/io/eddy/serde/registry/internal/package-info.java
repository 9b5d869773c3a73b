/** Implementation of the registry client and the wire format; not API. */
package io.eddy.serde.registry.internal;
