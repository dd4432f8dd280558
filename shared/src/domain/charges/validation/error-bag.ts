/** Validation errors by field path, each code listed once, in the order they were found. */
export class ErrorBag {
  private readonly errors: Record<string, string[]> = {};

  add(field: string, code: string): void {
    const codes = this.errors[field] ?? [];
    if (!codes.includes(code)) codes.push(code);
    this.errors[field] = codes;
  }

  get isEmpty(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  toRecord(): Record<string, string[]> {
    return Object.fromEntries(Object.entries(this.errors).map(([field, codes]) => [field, [...codes]]));
  }
}
