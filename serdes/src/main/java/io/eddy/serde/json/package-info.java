/** JSON serdes over Jackson for records, POJOs and trees; start at {@link io.eddy.serde.json.JsonSerdes}. */
package io.eddy.serde.json;
