// Imports every type file, then builds the schema.
import { builder } from './builder.js';
import './types/DateTime.js';
import './types/UserError.js';
import './types/Role.js';
import './types/User.js';
import './types/Membership.js';
import './types/Organization.js';
import './types/Viewer.js';
import './types/signUp.js';
import './types/logIn.js';
import './types/createOrganization.js';
import './types/updateMemberRole.js';
import './types/removeMember.js';

builder.queryType({});
builder.mutationType({});

export const schema = builder.toSchema({ sortSchema: true });
