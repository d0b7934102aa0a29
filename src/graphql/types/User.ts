import { builder } from '../builder.js';

export const User = builder.drizzleNode('users', {
  name: 'User',
  id: { column: (user) => user.id },
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    emailVerified: t.exposeBoolean('emailVerified'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
