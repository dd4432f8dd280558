import type { CatalogStore, CatalogWrite } from "#shared/store/catalog-store.js";

/**
 * Customers, plans (subscriptions' child plans included) and add-ons name taxes by code: the writes
 * that rename `from` to `to` there, or remove it when `to` is null (a deleted tax).
 */
export async function taxCodeReferenceWrites(
  store: CatalogStore,
  organizationId: string,
  from: string,
  to: string | null,
): Promise<CatalogWrite[]> {
  const swap = (codes: readonly string[]) =>
    codes.flatMap((taxCode) => (taxCode === from ? (to ? [to] : []) : [taxCode]));
  const [customers, plans, childPlans, addOns] = await Promise.all([
    store.listCustomers(organizationId),
    store.listPlans(organizationId),
    store.listChildPlans(organizationId),
    store.listAddOns(organizationId),
  ]);
  const customerWrites = customers
    .filter((customer) => customer.taxCodes.includes(from))
    .map((customer) => store.customerReplacement({ ...customer, taxCodes: swap(customer.taxCodes) }));
  const planWrites = [...plans, ...childPlans]
    .filter(
      (plan) =>
        plan.taxCodes.includes(from) ||
        plan.charges.some((charge) => charge.taxCodes.includes(from)) ||
        plan.minimumCommitment?.taxCodes.includes(from),
    )
    .flatMap((plan) => {
      const renamed = {
        ...plan,
        taxCodes: swap(plan.taxCodes),
        charges: plan.charges.map((charge) => ({ ...charge, taxCodes: swap(charge.taxCodes) })),
        minimumCommitment: plan.minimumCommitment
          ? { ...plan.minimumCommitment, taxCodes: swap(plan.minimumCommitment.taxCodes) }
          : null,
      };
      return plan.parentId ? [store.childPlanSave(renamed)] : store.planSave(renamed);
    });
  const addOnWrites = addOns
    .filter((addOn) => addOn.taxCodes.includes(from))
    .flatMap((addOn) => store.addOnSave({ ...addOn, taxCodes: swap(addOn.taxCodes) }, addOn.code));
  return [...customerWrites, ...planWrites, ...addOnWrites];
}
