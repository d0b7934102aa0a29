// The REST operations (operations.ts) parsed and checked against the schema once: each named
// operation with its single root field, its variables and its selection.
import {
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  validate,
  visit,
} from 'graphql';
import { restOperations } from './operations.js';

export interface RestOperation {
  name: string;
  definition: OperationDefinitionNode;
  /** The root field's response key: where its value sits in `data`. */
  rootKey: string;
  // biome-ignore lint/suspicious/noExplicitAny: any root field of the schema
  rootField: GraphQLField<any, any>;
  /** The operation with the fragments it uses: what is sent to GraphQL. */
  source: string;
}

export interface RestDocument {
  source: string;
  operations: ReadonlyMap<string, RestOperation>;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

export function loadRestDocument(schema: GraphQLSchema, source = restOperations): RestDocument {
  const document = parse(source);
  const errors = validate(schema, document);
  if (errors.length > 0) throw new Error(`REST operations do not match the schema: ${errors.map(String).join('; ')}`);
  const operations = new Map<string, RestOperation>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const name = definition.name?.value;
    const [root, ...more] = definition.selectionSet.selections;
    if (!name || root?.kind !== Kind.FIELD || more.length > 0) {
      throw new Error(`REST operation ${name ?? '(anonymous)'} must be named and select exactly one root field`);
    }
    const rootType = definition.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
    const rootField = rootType?.getFields()[root.name.value];
    if (!rootField) throw new Error(`REST operation ${name}: no root field ${root.name.value}`);
    operations.set(name, { name, definition, rootKey: root.alias?.value ?? root.name.value, rootField, source: '' });
  }
  for (const operation of operations.values()) operation.source = withFragments(operation.definition, fragments);
  return { source, operations, fragments };
}

/** An operation printed with every fragment it uses, directly or through another. */
function withFragments(
  definition: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string {
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          walk(fragment);
        }
      },
    });
  walk(definition);
  return [definition, ...used.values()].map((node) => print(node)).join('\n\n');
}
