package io.eddy.serde.protobuf.internal;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a compiled {@code .proto} file ({@link FileDescriptor}) back to {@code .proto} source
 * text, the form a schema registry stores Protobuf schemas in. protobuf-java has descriptors but
 * no printer, so this is Eddy's own; it covers what messages on Kafka use: {@code proto2} and
 * {@code proto3} syntax, package, imports (public too), the Java file options, messages with
 * nested messages and enums, scalar, message, enum, {@code map<…>} and repeated fields, proto3
 * {@code optional}, {@code oneof}, proto2 labels and defaults. Types are written fully qualified
 * with a leading dot ({@code .eddy.test.common.Money}), which every {@code .proto} parser accepts.
 *
 * <p>Not rendered (refused with an {@link IllegalArgumentException} naming the element, so no
 * schema is registered that differs from the compiled one): groups, extensions and editions
 * syntax. Services, custom options and reserved ranges are left out: they do not change the
 * bytes of a message.
 *
 * <p>The output depends only on the descriptor, so the same file always renders to the same text
 * (a registry then finds it instead of registering it again). Stateless and thread-safe.
 */
public final class ProtoText {

    private ProtoText() {
    }

    /**
     * The {@code .proto} text of a file.
     *
     * @throws IllegalArgumentException if the file uses something listed above as not rendered
     */
    public static String render(FileDescriptor file) {
        FileDescriptorProto proto = file.toProto();
        String syntax = proto.getSyntax().isEmpty() ? "proto2" : proto.getSyntax();
        if (!syntax.equals("proto2") && !syntax.equals("proto3")) {
            throw new IllegalArgumentException(file.getName() + ": syntax '" + syntax + "' is not supported (proto2 and proto3 are)");
        }
        if (proto.getExtensionCount() > 0) {
            throw new IllegalArgumentException(file.getName() + ": extensions are not supported");
        }
        StringBuilder out = new StringBuilder();
        out.append("syntax = \"").append(syntax).append("\";\n");
        if (proto.hasPackage()) {
            out.append("package ").append(proto.getPackage()).append(";\n");
        }
        Set<Integer> publicDeps = new HashSet<>(proto.getPublicDependencyList());
        for (int i = 0; i < proto.getDependencyCount(); i++) {
            out.append(publicDeps.contains(i) ? "import public \"" : "import \"").append(proto.getDependency(i)).append("\";\n");
        }
        FileOptions options = proto.getOptions();
        if (options.hasJavaPackage()) {
            out.append("option java_package = ").append(quote(options.getJavaPackage())).append(";\n");
        }
        if (options.hasJavaOuterClassname()) {
            out.append("option java_outer_classname = ").append(quote(options.getJavaOuterClassname())).append(";\n");
        }
        if (options.hasJavaMultipleFiles()) {
            out.append("option java_multiple_files = ").append(options.getJavaMultipleFiles()).append(";\n");
        }
        boolean proto3 = syntax.equals("proto3");
        for (DescriptorProto message : proto.getMessageTypeList()) {
            out.append('\n');
            message(out, message, proto3, "", file.getName());
        }
        for (EnumDescriptorProto e : proto.getEnumTypeList()) {
            out.append('\n');
            enumeration(out, e, "");
        }
        return out.toString();
    }

    private static void message(StringBuilder out, DescriptorProto message, boolean proto3, String indent, String file) {
        String where = file + ": message " + message.getName();
        if (message.getExtensionCount() > 0 || message.getExtensionRangeCount() > 0) {
            throw new IllegalArgumentException(where + ": extensions are not supported");
        }
        out.append(indent).append("message ").append(message.getName()).append(" {\n");
        String inner = indent + "  ";
        Map<String, DescriptorProto> mapEntries = new HashMap<>();
        for (DescriptorProto nested : message.getNestedTypeList()) {
            if (nested.getOptions().getMapEntry()) {
                mapEntries.put(nested.getName(), nested);
            }
        }
        List<FieldDescriptorProto> fields = message.getFieldList();
        Set<Integer> oneofsWritten = new HashSet<>();
        for (FieldDescriptorProto field : fields) {
            boolean inRealOneof = field.hasOneofIndex() && !field.getProto3Optional();
            if (!inRealOneof) {
                field(out, field, proto3, inner, mapEntries, where);
            } else if (oneofsWritten.add(field.getOneofIndex())) {
                out.append(inner).append("oneof ").append(message.getOneofDecl(field.getOneofIndex()).getName()).append(" {\n");
                for (FieldDescriptorProto member : fields) {
                    if (member.hasOneofIndex() && !member.getProto3Optional() && member.getOneofIndex() == field.getOneofIndex()) {
                        field(out, member, true, inner + "  ", mapEntries, where);   // no label inside a oneof
                    }
                }
                out.append(inner).append("}\n");
            }
        }
        for (DescriptorProto nested : message.getNestedTypeList()) {
            if (!nested.getOptions().getMapEntry()) {
                message(out, nested, proto3, inner, file);
            }
        }
        for (EnumDescriptorProto e : message.getEnumTypeList()) {
            enumeration(out, e, inner);
        }
        out.append(indent).append("}\n");
    }

    private static void field(StringBuilder out, FieldDescriptorProto field, boolean proto3, String indent,
            Map<String, DescriptorProto> mapEntries, String where) {
        if (field.getType() == FieldDescriptorProto.Type.TYPE_GROUP) {
            throw new IllegalArgumentException(where + ": field " + field.getName() + " is a group; groups are not supported");
        }
        out.append(indent);
        DescriptorProto entry = field.hasTypeName() ? mapEntries.get(simpleName(field.getTypeName())) : null;
        if (entry != null && field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
            out.append("map<").append(type(entry.getField(0))).append(", ").append(type(entry.getField(1))).append("> ");
        } else {
            if (field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
                out.append("repeated ");
            } else if (field.getProto3Optional()) {
                out.append("optional ");
            } else if (!proto3) {
                out.append(field.getLabel() == FieldDescriptorProto.Label.LABEL_REQUIRED ? "required " : "optional ");
            }
            out.append(type(field)).append(' ');
        }
        out.append(field.getName()).append(" = ").append(field.getNumber());
        if (field.hasDefaultValue()) {
            out.append(" [default = ").append(defaultValue(field)).append(']');
        }
        out.append(";\n");
    }

    private static void enumeration(StringBuilder out, EnumDescriptorProto e, String indent) {
        out.append(indent).append("enum ").append(e.getName()).append(" {\n");
        if (e.getOptions().getAllowAlias()) {
            out.append(indent).append("  option allow_alias = true;\n");
        }
        for (EnumValueDescriptorProto value : e.getValueList()) {
            out.append(indent).append("  ").append(value.getName()).append(" = ").append(value.getNumber()).append(";\n");
        }
        out.append(indent).append("}\n");
    }

    private static String type(FieldDescriptorProto field) {
        return switch (field.getType()) {
            case TYPE_MESSAGE, TYPE_ENUM -> field.getTypeName();
            default -> field.getType().name().substring("TYPE_".length()).toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String defaultValue(FieldDescriptorProto field) {
        return switch (field.getType()) {
            case TYPE_STRING -> quote(field.getDefaultValue());
            case TYPE_BYTES -> "\"" + field.getDefaultValue() + "\"";   // protoc stores bytes defaults C-escaped
            default -> field.getDefaultValue();
        };
    }

    private static String simpleName(String typeName) {
        return typeName.substring(typeName.lastIndexOf('.') + 1);
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
