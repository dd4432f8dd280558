import { z } from "zod";
import { parseOrReject } from "./validation.js";

export interface Page {
  readonly page: number;
  readonly perPage: number;
}

const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(1000).default(100),
});

/** `page` (1-based) and `per_page` (default 100) from the query string, or a 422. */
export function pageOf(query: URLSearchParams): Page {
  const parsed = parseOrReject(pageQuery, {
    page: query.get("page") ?? undefined,
    per_page: query.get("per_page") ?? undefined,
  });
  return { page: parsed.page, perPage: parsed.per_page };
}

/** Lago's pagination `meta`; with no records at all, current_page and total_pages are 0. */
export function paginationMeta(totalCount: number, { page, perPage }: Page) {
  const totalPages = Math.ceil(totalCount / perPage);
  if (totalCount === 0) {
    return { current_page: 0, next_page: null, prev_page: null, total_pages: 0, total_count: 0 };
  }
  return {
    current_page: page,
    next_page: page < totalPages ? page + 1 : null,
    prev_page: page > 1 ? page - 1 : null,
    total_pages: totalPages,
    total_count: totalCount,
  };
}

/** One page of an already-ordered list, with Lago's `meta`. */
export function paginate<T>(
  items: readonly T[],
  page: Page,
): { items: T[]; meta: ReturnType<typeof paginationMeta> } {
  return {
    items: items.slice((page.page - 1) * page.perPage, page.page * page.perPage),
    meta: paginationMeta(items.length, page),
  };
}
