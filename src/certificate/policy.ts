import type { PathExtensions } from './extensions.js';

const ANY_POLICY = '2.5.29.32.0';

/** One certificate of the path as policy processing sees it, leaf last (RFC 5280 section 6.1 order). */
export interface PolicyStep {
  readonly extensions: PathExtensions;
  readonly selfIssued: boolean;
}

/** Why the policy part of RFC 5280 section 6.1 refused a path, or undefined when it holds. */
export type PolicyVerdict = undefined | 'no-explicit-policy' | 'mapping-unsupported';

/**
 * RFC 5280 section 6.1 policy processing with user-initial-policy-set = anyPolicy and
 * initial-explicit-policy, initial-policy-mapping-inhibit, initial-any-policy-inhibit all false
 * (the inputs of a relying party that asks for no particular policy). With those inputs the
 * valid_policy_tree only matters once a CA's requireExplicitPolicy brings explicit_policy to 0,
 * and then the set of policies valid along the whole path is what the tree's leaves hold.
 * Policy mappings are not processed; a path that needs them under an explicit policy fails closed.
 * `steps` excludes the trust anchor (section 6.1: the anchor is an input, not certificate 1).
 */
export function checkPolicies(steps: readonly PolicyStep[]): PolicyVerdict {
  const n = steps.length;
  let explicitPolicy = n + 1;
  let inhibitAny = n + 1;
  let mapped = false;
  // The policies valid for certificates 1..i; anyPolicy stands for "every policy".
  let valid: Set<string> | undefined = new Set([ANY_POLICY]);
  steps.forEach(({ extensions, selfIssued }, index) => {
    const last = index === n - 1;
    const policies = extensions.policies;
    // 6.1.3 (d), (e): intersect with the certificate's policies; no certificatePolicies empties the tree.
    if (valid !== undefined) {
      if (policies === undefined) valid = undefined;
      else {
        const next = new Set<string>();
        const anyAllowed = policies.includes(ANY_POLICY) && (inhibitAny > 0 || (!last && selfIssued));
        for (const policy of policies) {
          if (policy !== ANY_POLICY && (valid.has(policy) || valid.has(ANY_POLICY))) next.add(policy);
        }
        if (anyAllowed) for (const policy of valid) next.add(policy);
        valid = next.size > 0 ? next : undefined;
      }
    }
    if (last) return;
    if (extensions.policyMappings !== undefined) mapped = true;
    // 6.1.4 (h), (i), (j): counters step down below each CA that is not self-issued, then take the CA's limits.
    if (!selfIssued) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (inhibitAny > 0) inhibitAny--;
    }
    const required = extensions.policyConstraints?.requireExplicitPolicy;
    if (required !== undefined) explicitPolicy = Math.min(explicitPolicy, required);
    if (extensions.inhibitAnyPolicy !== undefined) inhibitAny = Math.min(inhibitAny, extensions.inhibitAnyPolicy);
  });
  // 6.1.5 (a), (b): the leaf steps the counter once more, and its own requireExplicitPolicy of 0 counts.
  if (explicitPolicy > 0) explicitPolicy--;
  if (steps[n - 1]?.extensions.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0;
  // 6.1.5 (g): "If either (1) the value of explicit_policy variable is greater than zero or (2) the
  // valid_policy_tree is not NULL, then path processing has succeeded."
  if (explicitPolicy > 0) return undefined;
  if (mapped) return 'mapping-unsupported';
  return valid === undefined ? 'no-explicit-policy' : undefined;
}
