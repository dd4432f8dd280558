import { describe, expect, it } from "vitest";
import type { Subscription } from "../catalog.js";
import { nextClosing } from "./billing-schedule.js";
import {
  applyTransition,
  asOf,
  canceled,
  nextTransition,
  startsLater,
  terminated,
  trialEndedAt,
} from "./lifecycle.js";

const subscription = (overrides: Partial<Subscription> = {}): Subscription => ({
  id: "sub-1",
  organizationId: "org",
  externalId: "ext-1",
  customerId: "cus",
  externalCustomerId: "ext-cus",
  planId: "plan-pro",
  planCode: "pro",
  name: null,
  status: "active",
  billingTime: "calendar",
  subscriptionAt: "2026-03-10T15:00:00.000Z",
  startedAt: "2026-03-10T15:00:00.000Z",
  endingAt: null,
  terminatedAt: null,
  canceledAt: null,
  terminationReason: null,
  previousSubscriptionId: null,
  previousPlanCode: null,
  nextPlanCode: null,
  nextPlanAt: null,
  createdAt: "2026-03-10T15:00:00.000Z",
  updatedAt: "2026-03-10T15:00:00.000Z",
  ...overrides,
});
const monthly = { interval: "monthly", payInAdvance: false, trialPeriodDays: 0 } as const;

describe("the subscription state machine", () => {
  it("pending → active at the local midnight of its start day", () => {
    const pending = subscription({
      status: "pending",
      startedAt: null,
      subscriptionAt: "2026-04-05T18:00:00Z",
    });
    // 18:00 UTC on April 5 is already April 6 in Tokyo: it starts at midnight there.
    const transition = nextTransition(pending, "Asia/Tokyo");
    expect(transition).toEqual({ kind: "activate", at: "2026-04-05T15:00:00.000Z" });
    const { subscription: active, successor } = applyTransition(
      pending,
      transition as NonNullable<typeof transition>,
    );
    expect(active).toMatchObject({
      status: "active",
      startedAt: "2026-04-05T18:00:00Z",
      activatedAt: transition?.at,
    });
    expect(successor).toBeNull();
    expect(startsLater("2026-04-05T18:00:00Z", "Asia/Tokyo", "2026-04-05T14:59:59Z")).toBe(true);
    expect(startsLater("2026-04-05T18:00:00Z", "Asia/Tokyo", "2026-04-05T15:00:00Z")).toBe(false);
  });

  it("active → terminated at its ending_at", () => {
    const ending = subscription({ endingAt: "2026-05-20T12:00:00.000Z" });
    const transition = nextTransition(ending, "UTC");
    expect(transition).toEqual({ kind: "end", at: "2026-05-20T12:00:00.000Z" });
    expect(applyTransition(ending, transition as NonNullable<typeof transition>).subscription).toMatchObject({
      status: "terminated",
      terminatedAt: "2026-05-20T12:00:00.000Z",
      terminationReason: "ended",
    });
  });

  it("active with a waiting downgrade → terminated at the switch, its successor active on the next plan", () => {
    const downgrading = subscription({ nextPlanCode: "basic", nextPlanAt: "2026-04-01T00:00:00.000Z" });
    const transition = nextTransition(downgrading, "UTC");
    expect(transition).toEqual({ kind: "switch_plan", at: "2026-04-01T00:00:00.000Z", planCode: "basic" });
    const { subscription: old, successor } = applyTransition(
      downgrading,
      transition as NonNullable<typeof transition>,
      { plan: { id: "plan-basic", code: "basic" }, successorId: "sub-2" },
    );
    expect(old).toMatchObject({
      status: "terminated",
      terminatedAt: "2026-04-01T00:00:00.000Z",
      terminationReason: "downgraded",
      nextPlanCode: null,
    });
    expect(successor).toMatchObject({
      id: "sub-2",
      externalId: "ext-1",
      planCode: "basic",
      status: "active",
      startedAt: "2026-04-01T00:00:00.000Z",
      createdAt: "2026-04-01T00:00:00.000Z",
      previousSubscriptionId: "sub-1",
      previousPlanCode: "pro",
      nextPlanCode: null,
      terminatedAt: null,
      // Its trial counts from the first start of the chain, as Lago's from the external id's.
      trialStartedAt: "2026-03-10T15:00:00.000Z",
    });
    expect(trialEndedAt(successor as Subscription, { trialPeriodDays: 30 })).toBe("2026-04-09T15:00:00.000Z");
    expect(() => applyTransition(downgrading, transition as NonNullable<typeof transition>)).toThrow();
  });

  it("an ending_at at or before a waiting switch wins: the subscription just ends", () => {
    const both = subscription({
      endingAt: "2026-04-01T00:00:00.000Z",
      nextPlanCode: "basic",
      nextPlanAt: "2026-04-01T00:00:00.000Z",
    });
    expect(nextTransition(both, "UTC")?.kind).toBe("end");
  });

  it("terminated and canceled subscriptions wait for nothing; requests move them at once", () => {
    expect(
      nextTransition(terminated(subscription(), "2026-03-20T00:00:00Z", "terminated"), "UTC"),
    ).toBeNull();
    const pending = subscription({ status: "pending", startedAt: null });
    expect(canceled(pending, "2026-03-01T00:00:00Z")).toMatchObject({
      status: "canceled",
      terminationReason: "canceled",
    });
    expect(nextTransition(canceled(pending, "2026-03-01T00:00:00Z"), "UTC")).toBeNull();
    expect(nextTransition(subscription(), "UTC")).toBeNull();
  });

  it("as of an instant, applies an end or switch not recorded yet, and leaves a pending one pending", () => {
    const ending = subscription({ endingAt: "2026-05-20T12:00:00.000Z" });
    expect(asOf(ending, "UTC", "2026-05-20T11:59:59.999Z").status).toBe("active");
    expect(asOf(ending, "UTC", "2026-05-20T12:00:00.000Z")).toMatchObject({
      status: "terminated",
      terminatedAt: "2026-05-20T12:00:00.000Z",
    });
    const pending = subscription({
      status: "pending",
      startedAt: null,
      subscriptionAt: "2026-04-05T00:00:00Z",
    });
    expect(asOf(pending, "UTC", "2026-06-01T00:00:00Z").status).toBe("pending");
  });
});

describe("the billing schedule", () => {
  it("closes each period at its end, then stops at a termination, billing the partial one", () => {
    const active = subscription();
    expect(nextClosing(active, monthly, "UTC", null)).toBe("2026-04-01T00:00:00.000Z");
    expect(nextClosing(active, monthly, "UTC", "2026-04-01T00:00:00.000Z")).toBe("2026-05-01T00:00:00.000Z");
    const ended = terminated(active, "2026-04-12T09:00:00.000Z", "terminated");
    // April still to bill: due at the termination, then nothing more.
    expect(nextClosing(ended, monthly, "UTC", "2026-04-01T00:00:00.000Z")).toBe("2026-04-12T09:00:00.000Z");
    expect(nextClosing(ended, monthly, "UTC", "2026-05-01T00:00:00.000Z")).toBeNull();
  });

  it("stops at an ending_at, even before the catalog records the end", () => {
    const ending = subscription({ endingAt: "2026-04-01T00:00:00.000Z" });
    expect(nextClosing(ending, monthly, "UTC", null)).toBe("2026-04-01T00:00:00.000Z");
    expect(nextClosing(ending, monthly, "UTC", "2026-04-01T00:00:00.000Z")).toBeNull();
    const midPeriod = subscription({ endingAt: "2026-04-15T00:00:00.000Z" });
    expect(nextClosing(midPeriod, monthly, "UTC", "2026-04-01T00:00:00.000Z")).toBe(
      "2026-04-15T00:00:00.000Z",
    );
  });

  it("bills a downgraded subscription through the switch in full, and nothing after", () => {
    const downgraded = asOf(
      subscription({ nextPlanCode: "basic", nextPlanAt: "2026-04-01T00:00:00.000Z" }),
      "UTC",
      "2026-04-01T00:00:00.000Z",
    );
    expect(nextClosing(downgraded, monthly, "UTC", "2026-04-01T00:00:00.000Z")).toBeNull();
  });

  it("has nothing to bill for a pending or canceled subscription", () => {
    const pending = subscription({ status: "pending", startedAt: null });
    expect(nextClosing(pending, monthly, "UTC", null)).toBeNull();
    expect(nextClosing(canceled(pending, "2026-03-11T00:00:00Z"), monthly, "UTC", null)).toBeNull();
  });

  it("first bills, for one activated later, the period it was activated in (never earlier ones)", () => {
    // Its start moved to January while pending, on March 15: January and February are never billed.
    const moved = subscription({
      subscriptionAt: "2026-01-05T00:00:00.000Z",
      startedAt: "2026-01-05T00:00:00.000Z",
      createdAt: "2025-12-20T00:00:00.000Z",
      activatedAt: "2026-03-15T10:00:00.000Z",
    });
    expect(nextClosing(moved, monthly, "UTC", null)).toBe("2026-04-01T00:00:00.000Z");
  });
});
