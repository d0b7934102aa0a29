// What an operation costs, in graphql-armor's cost model (a scalar 1, an object 2 plus 1.5 × its
// children, times the page size asked for with `first` or `last`), with the page size read from
// the operation's variables as well as from literals: `first: $n` with n = 100 costs what
// `first: 100` costs. Pure; talks to nothing.
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';

const SCALAR_COST = 1;
const OBJECT_COST = 2;
const DEPTH_FACTOR = 1.5;

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * The page size a field asks for: its first `first` or `last` argument, as armor reads it (at
 * least 1). A variable counts with the value sent, else its default; a value that is not an `Int`
 * counts 1, as the operation is refused when its variables are coerced.
 */
function pageSize(field: FieldNode, variable: (name: string) => unknown): number {
  const argument = field.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
  if (!argument) return 1;
  const { value } = argument;
  let size: unknown;
  if (value.kind === Kind.INT) size = Number.parseInt(value.value, 10);
  else if (value.kind === Kind.VARIABLE) size = variable(value.name.value);
  const isInt = typeof size === 'number' && Number.isInteger(size) && size >= INT_MIN && size <= INT_MAX;
  return isInt ? Math.max(size as number, 1) : 1;
}

function variableReader(operation: OperationDefinitionNode, values: Record<string, unknown> | undefined) {
  return (name: string): unknown => {
    if (values && Object.hasOwn(values, name)) return values[name];
    const fallback = operation.variableDefinitions?.find((d) => d.variable.name.value === name)?.defaultValue;
    return fallback?.kind === Kind.INT ? Number.parseInt(fallback.value, 10) : undefined;
  };
}

/** The cost of the operation `operationName` selects; null when the document names no single one. */
export function operationCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): number | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const variable = variableReader(operation, variables);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, number>();

  const cost = (node: SelectionNode | FragmentDefinitionNode): number => {
    // Introspection is priced at nothing, as armor's `ignoreIntrospection` does.
    if (node.kind === Kind.FIELD && node.name.value === '__schema') return 0;
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const name = node.name.value;
      let inner = fragmentCosts.get(name);
      if (inner === undefined) {
        // Zero while it is priced, so that a cycle (refused by validation anyway) ends.
        fragmentCosts.set(name, 0);
        const fragment = fragments.get(name);
        inner = fragment ? cost(fragment) : 0;
        fragmentCosts.set(name, inner);
      }
      return SCALAR_COST + DEPTH_FACTOR * inner;
    }
    if (!node.selectionSet) return SCALAR_COST;
    let total = OBJECT_COST;
    for (const child of node.selectionSet.selections) total += DEPTH_FACTOR * cost(child);
    return node.kind === Kind.FIELD ? total * pageSize(node, variable) : total;
  };

  return operation.selectionSet.selections.reduce((sum, selection) => sum + cost(selection), 0);
}
