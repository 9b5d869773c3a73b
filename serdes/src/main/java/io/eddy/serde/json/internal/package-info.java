/** Jackson defaults and error locations shared by the JSON serdes. Not API. */
package io.eddy.serde.json.internal;
