import { builder } from '../builder.js';

export const User = builder.drizzleNode('users', {
  name: 'User',
  description: 'A person with an account.',
  id: { column: (user) => user.id },
  fields: (t) => ({
    email: t.exposeString('email', { description: 'Their email, which they sign in with.' }),
    name: t.exposeString('name', { description: 'Their name, as they gave it.' }),
    emailVerified: t.exposeBoolean('emailVerified', {
      description: 'True once they proved they control the email.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was made.' }),
  }),
});
