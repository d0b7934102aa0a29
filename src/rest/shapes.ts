// JSON Schemas (draft 2020-12, as OpenAPI 3.1 takes them) of what the REST routes take and answer,
// read from the schema and the operations' selections: a variable's input type for a request, a
// selection over the output types for an answer. Enums and input objects become named components.
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLEnumType,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  GraphQLUnionType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

export type JsonSchema = { [key: string]: unknown };

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const orNull = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });

const SCALARS: Record<string, JsonSchema> = {
  ID: { type: 'string', description: 'A global id.' },
  String: { type: 'string' },
  Int: { type: 'integer' },
  Float: { type: 'number' },
  Boolean: { type: 'boolean' },
  DateTime: { type: 'string', format: 'date-time' },
  Date: { type: 'string', format: 'date' },
  JSON: {},
  JSONObject: { type: 'object' },
};

/** The type names of the schema's expected failures, with their codes (from UserErrorCode's descriptions). */
export function userErrorCodes(schema: GraphQLSchema): Map<string, string> {
  const codes = new Map<string, string>();
  const enumType = schema.getType('UserErrorCode');
  if (!(enumType instanceof GraphQLEnumType)) throw new Error('the schema has no UserErrorCode enum');
  for (const value of enumType.getValues()) {
    const typeName = /^(\w+):/.exec(value.description ?? '')?.[1];
    if (typeName) codes.set(typeName, value.name);
  }
  return codes;
}

export function createShapes(schema: GraphQLSchema, fragments: ReadonlyMap<string, FragmentDefinitionNode>) {
  const components: Record<string, JsonSchema> = {};

  function named(type: GraphQLEnumType | GraphQLInputObjectType): JsonSchema {
    if (!components[type.name]) {
      components[type.name] = {};
      components[type.name] = isEnumType(type)
        ? {
            type: 'string',
            enum: type.getValues().map((v) => v.name),
            ...(type.description ? { description: type.description } : {}),
          }
        : inputObject(type);
    }
    return ref(type.name);
  }

  function inputObject(type: GraphQLInputObjectType): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of Object.values(type.getFields())) {
      properties[field.name] = {
        ...input(field.type),
        ...(field.description ? { description: field.description } : {}),
      };
      if (isNonNullType(field.type) && field.defaultValue === undefined) required.push(field.name);
    }
    return {
      type: 'object',
      properties,
      required,
      additionalProperties: false,
      ...(type.description ? { description: type.description } : {}),
    };
  }

  function input(type: GraphQLInputType): JsonSchema {
    if (isNonNullType(type)) return inputNonNull(type.ofType);
    return orNull(inputNonNull(type));
  }

  function inputNonNull(type: GraphQLInputType): JsonSchema {
    if (isListType(type)) return { type: 'array', items: input(type.ofType) };
    if (isEnumType(type) || isInputObjectType(type)) return named(type);
    return scalar(type as GraphQLNamedType);
  }

  function scalar(type: GraphQLNamedType): JsonSchema {
    const known = SCALARS[type.name];
    if (!known) throw new Error(`no JSON Schema for the scalar ${type.name}`);
    return { ...known };
  }

  const applies = (condition: string | undefined, type: GraphQLObjectType): boolean => {
    if (!condition || condition === type.name) return true;
    const conditionType = schema.getType(condition);
    if (conditionType instanceof GraphQLInterfaceType) return type.getInterfaces().some((i) => i.name === condition);
    if (conditionType instanceof GraphQLUnionType) return conditionType.getTypes().some((t) => t.name === type.name);
    return false;
  };

  /** The fields a selection picks on one concrete type, by response key, in order. */
  function collect(
    type: GraphQLObjectType,
    selections: readonly SelectionNode[],
    into = new Map<string, FieldNode[]>(),
  ) {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        into.set(key, [...(into.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value, type)) collect(type, selection.selectionSet.selections, into);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) throw new Error(`unknown fragment ${selection.name.value}`);
        if (applies(fragment.typeCondition.name.value, type)) collect(type, fragment.selectionSet.selections, into);
      }
    }
    return into;
  }

  /** What a selection on a concrete object type answers. */
  function object(type: GraphQLObjectType, selectionSet: SelectionSetNode, omit: readonly string[] = []): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const [key, nodes] of collect(type, selectionSet.selections)) {
      if (omit.includes(key)) continue;
      const first = nodes[0] as FieldNode;
      if (first.name.value === '__typename') {
        properties[key] = { type: 'string', const: type.name };
        continue;
      }
      const field = type.getFields()[first.name.value];
      if (!field) throw new Error(`${type.name} has no field ${first.name.value}`);
      const merged: SelectionSetNode = {
        kind: Kind.SELECTION_SET,
        selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []),
      };
      properties[key] = {
        ...output(field.type, merged),
        ...(field.description ? { description: field.description } : {}),
      };
    }
    return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
  }

  function output(type: GraphQLOutputType, selectionSet: SelectionSetNode): JsonSchema {
    if (isNonNullType(type)) return outputNonNull(type.ofType, selectionSet);
    return orNull(outputNonNull(type, selectionSet));
  }

  function outputNonNull(type: GraphQLOutputType, selectionSet: SelectionSetNode): JsonSchema {
    if (isListType(type)) return { type: 'array', items: output(type.ofType, selectionSet) };
    if (isEnumType(type)) return named(type);
    if (isObjectType(type)) return object(type, selectionSet);
    if (isAbstractType(type)) {
      return { anyOf: schema.getPossibleTypes(type).map((member) => object(member, selectionSet)) };
    }
    return scalar(type as GraphQLNamedType);
  }

  return { components, input, object, output };
}
