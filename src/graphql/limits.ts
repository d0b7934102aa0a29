// The query limits: depth, aliases, directives, tokens (graphql-armor) and cost (queryCost.ts),
// each refused before anything runs with its own `extensions.code` and a message that names
// neither the limit nor what was found. Envelop hooks, so HTTP, SSE and graphql-ws refuse alike.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { operationCost } from './queryCost.js';

const refusals = {
  QUERY_TOO_DEEP: 'The query nests its selections too deeply.',
  TOO_MANY_ALIASES: 'The query uses too many aliases.',
  TOO_MANY_DIRECTIVES: 'The query uses too many directives.',
  QUERY_TOO_COSTLY: 'The query asks for too much at once: select fewer fields or ask for smaller pages.',
  QUERY_TOO_LARGE: 'The query document is too long.',
} as const;

export type LimitCode = keyof typeof refusals;

/** A refusal as a validation error: 400 over GraphQL over HTTP, as yoga answers any invalid document. */
export const limitRefusal = (code: LimitCode) =>
  new GraphQLError(refusals[code], { extensions: { code, http: { spec: true, status: 400 } } });

/** Armor reports into the validation result (or, for tokens, throws from the parser) our refusal instead of its own. */
const refuseWith = (code: LimitCode) => ({
  exposeLimits: false,
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null) => {
      if (!context) throw limitRefusal(code);
      context.reportError(limitRefusal(code));
    },
  ],
});

interface Params {
  params?: { operationName?: string | null; variables?: Record<string, unknown> | null };
}

/**
 * The cost limit reads the operation's variables, which validation rules cannot see, so it runs
 * after validation, on every request: the validation cache holds what the document alone decides.
 * It throws, as armor's rules used to, so that no refusal that depends on variables is cached.
 */
function useCostLimit(maxCost: number): Plugin<Params> {
  return {
    onValidate:
      ({ params: { documentAST }, context }) =>
      ({ valid }) => {
        // An invalid document is refused anyway, with the errors that make it so.
        if (!valid) return;
        const { operationName, variables } = context.params ?? {};
        const cost = operationCost(documentAST, operationName, variables ?? undefined);
        if (cost !== null && cost > maxCost) throw limitRefusal('QUERY_TOO_COSTLY');
      },
  };
}

type LimitsConfig = Pick<
  Config,
  'MAX_QUERY_DEPTH' | 'MAX_QUERY_ALIASES' | 'MAX_QUERY_TOKENS' | 'MAX_QUERY_COST' | 'production'
>;

export function useQueryLimits(config: LimitsConfig): Plugin<Params> {
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: config.MAX_QUERY_DEPTH, ignoreIntrospection: true, ...refuseWith('QUERY_TOO_DEEP') },
    maxAliases: { n: config.MAX_QUERY_ALIASES, ...refuseWith('TOO_MANY_ALIASES') },
    maxDirectives: { n: 20, ...refuseWith('TOO_MANY_DIRECTIVES') },
    maxTokens: { n: config.MAX_QUERY_TOKENS, ...refuseWith('QUERY_TOO_LARGE') },
    costLimit: { enabled: false },
    // Armor's own, beside useNoSuggestions (which also cleans execution errors); configured here with the rest of armor.
    blockFieldSuggestion: { enabled: config.production },
  });
  const cost = useCostLimit(config.MAX_QUERY_COST);
  return {
    onPluginInit: ({ addPlugin }) => {
      addPlugin(armor as Plugin<Params>);
      addPlugin(cost);
    },
  };
}
