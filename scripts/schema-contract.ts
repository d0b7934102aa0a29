// The frozen contract: every committed version of schema/schema.graphql since the freeze, and the
// schema the code builds now, must differ from the version before only in ways clients survive.
// A removal is allowed only of what the version before had deprecated ("deprecate first").
import { execFileSync } from 'node:child_process';
import { type Change, ChangeType, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, type GraphQLSchema } from 'graphql';

/** The first line of every frozen SDL version; history before the first version with it is not checked. */
export const FROZEN_HEADER =
  '# The public contract, printed by `npm run schema:print`. Frozen: add freely; deprecate before removing (scripts/schema-contract.ts).';

const SDL = 'schema/schema.graphql';

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/** Frozen committed versions of the SDL, oldest first, as far as the clone's history reaches. */
export function frozenHistory(): { commit: string; sdl: string }[] {
  // The main line only: a merged branch's versions were checked on the branch, and beside the
  // main line's they would read as removals of what the branch did not have yet.
  const commits = (git(['log', '--first-parent', '--format=%H', '--', SDL]) ?? '').split('\n').filter(Boolean);
  const versions: { commit: string; sdl: string }[] = [];
  for (const commit of commits) {
    const sdl = git(['show', `${commit}:${SDL}`]);
    if (sdl === null || !sdl.startsWith(FROZEN_HEADER)) break;
    versions.unshift({ commit: commit.slice(0, 12), sdl });
  }
  return versions;
}

/** A breaking change is allowed only as the removal of something deprecated before. */
function deprecatedFirst(change: Change): boolean {
  const meta = change.meta as Record<string, unknown> | undefined;
  switch (change.type) {
    case ChangeType.FieldRemoved:
      return meta?.isRemovedFieldDeprecated === true;
    case ChangeType.EnumValueRemoved:
      return meta?.isEnumValueDeprecated === true;
    case ChangeType.InputFieldRemoved:
      return meta?.isInputFieldDeprecated === true;
    default:
      return false;
  }
}

export async function breakingChanges(before: GraphQLSchema, after: GraphQLSchema): Promise<Change[]> {
  return (await diff(before, after)).filter(
    (change) => change.criticality.level === CriticalityLevel.Breaking && !deprecatedFirst(change),
  );
}

/** Checks each step of the frozen history and the step from the newest commit to `current`. */
export async function contractViolations(current: GraphQLSchema): Promise<string[]> {
  const steps = [...frozenHistory().map((v) => ({ label: v.commit, schema: buildSchema(v.sdl) }))];
  steps.push({ label: 'the schema the code builds', schema: current });
  const violations: string[] = [];
  for (let i = 1; i < steps.length; i++) {
    const [before, after] = [steps[i - 1], steps[i]] as [(typeof steps)[number], (typeof steps)[number]];
    for (const change of await breakingChanges(before.schema, after.schema)) {
      violations.push(`${before.label} → ${after.label}: ${change.message}`);
    }
  }
  return violations;
}
