// In production no error suggests what exists: graphql-js appends "Did you mean …?" to unknown
// fields, arguments, enum values (in literals and in variables) and input fields, which maps the
// schema for whoever guesses. Envelop hooks, so HTTP, SSE and graphql-ws answer alike.
import { GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

const SUGGESTION = /\s*Did you mean[^?]*\?/;
const SUGGESTIONS = new RegExp(SUGGESTION.source, 'g');

const suggests = (error: GraphQLError) => SUGGESTION.test(error.message);

function withoutSuggestion(error: GraphQLError): GraphQLError {
  if (!suggests(error)) return error;
  return new GraphQLError(error.message.replace(SUGGESTIONS, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

type Result = { errors?: readonly GraphQLError[] };

/** For each result an operation answers (one, or each of a stream): the same without suggestions. */
const cleanEach = (payload: Parameters<typeof handleStreamOrSingleExecutionResult>[0]) =>
  handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
    const { errors } = result as Result;
    if (errors?.some(suggests)) setResult({ ...result, errors: errors.map(withoutSuggestion) });
  });

export function useNoSuggestions(): Plugin {
  return {
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (result.some((error) => error instanceof GraphQLError && suggests(error))) {
          setResult(result.map((error) => (error instanceof GraphQLError ? withoutSuggestion(error) : error)));
        }
      },
    onExecute: () => ({ onExecuteDone: cleanEach }),
    onSubscribe: () => ({ onSubscribeResult: cleanEach }),
  };
}
