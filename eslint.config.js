// Lints the committed SDL (schema/schema.graphql) only; TypeScript is Biome's. The rule set:
// graphql-eslint's schema-recommended and schema-relay sets, plus descriptions on everything a
// client sees, nullable root fields, input names from their mutation, and no bare scalar results.
import graphql from '@graphql-eslint/eslint-plugin';

export default [
  {
    files: ['schema/**/*.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: { schema: 'schema/schema.graphql' } } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      ...graphql.configs['flat/schema-relay'].rules,
      '@graphql-eslint/require-description': [
        'error',
        {
          types: true,
          rootField: true,
          FieldDefinition: true,
          InputValueDefinition: true,
          EnumValueDefinition: true,
          DirectiveDefinition: true,
        },
      ],
      // One refused or failed root field must not blank the others' data.
      '@graphql-eslint/require-nullable-result-in-root': 'error',
      '@graphql-eslint/input-name': ['error', { checkInputType: true, caseSensitiveInputType: false }],
      '@graphql-eslint/no-scalar-result-type-on-mutation': 'error',
      '@graphql-eslint/require-deprecation-date': 'off',
      // Plain lists of values are fine beside connections (a timeline, an invitation's checks).
      '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, listTypeCanWrapOnlyEdgeType: false }],
      // Entities carry an id; payloads, errors, connections and values that are parts of an answer do not.
      '@graphql-eslint/strict-id-in-types': [
        'error',
        {
          exceptions: {
            suffixes: ['Payload', 'Error', 'Connection', 'Edge', 'Count', 'Breakdown', 'Stage'],
            types: [
              'AnalyticsBucket',
              'AuditLogIntegrity',
              'InputIssue',
              'InvitationAnalytics',
              'InvitationCheck',
              'InvitationPreview',
              'InvitationRates',
              'InvitationStats',
              'InvitationUpdate',
              'PageInfo',
              'Rate',
              'TimeToAccept',
              'Viewer',
            ],
          },
        },
      ],
    },
  },
];
