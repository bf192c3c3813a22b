// One line per check: "ok   <name>: <detail>" or "FAIL <name>: <reason>".

export class Report {
  constructor() {
    this.failures = [];
    this.passed = 0;
  }

  ok(name, detail = '') {
    this.passed += 1;
    console.log(`ok   ${name}${detail ? `: ${detail}` : ''}`);
  }

  fail(name, reason) {
    this.failures.push(name);
    console.log(`FAIL ${name}: ${reason}`);
  }

  /** Record `name` as passed when `condition` holds, else as failed with `reason`. */
  expect(name, condition, reason, detail = '') {
    if (condition) this.ok(name, detail);
    else this.fail(name, reason);
    return condition;
  }

  /** Run `fn`; what it returns (a string) is the detail, what it throws is the failure. */
  async check(name, fn) {
    try {
      const detail = await fn();
      this.ok(name, typeof detail === 'string' ? detail : '');
      return true;
    } catch (error) {
      const body = error?.response?.body ? ` ${JSON.stringify(error.response.body)}` : '';
      this.fail(name, `${error?.constructor?.name ?? 'Error'}: ${error?.message ?? error}${body}`);
      return false;
    }
  }
}

/** Throw `message` unless `condition` holds (inside Report.check). */
export function must(condition, message) {
  if (!condition) throw new Error(message);
}
