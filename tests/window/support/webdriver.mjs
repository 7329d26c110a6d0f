// A small W3C WebDriver client over fetch: just what the window tests need, so no npm package is added.
const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  constructor(method, path, status, body) {
    const value = body && body.value ? body.value : {};
    super(`WebDriver ${method} ${path} answered ${status}: ${value.error || ""} ${value.message || JSON.stringify(body)}`);
    this.code = value.error;
  }
}

async function request(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { value: { message: text } };
  }
  if (!response.ok) throw new WebDriverError(method, path, response.status, parsed);
  return parsed.value;
}

export async function newSession(base, capabilities) {
  const value = await request(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
  return new Session(base, value.sessionId);
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  call(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const value = await this.call("POST", "/element", { using: "css selector", value: css });
    return new Element(this, value[ELEMENT_KEY]);
  }

  async findAll(css) {
    const values = await this.call("POST", "/elements", { using: "css selector", value: css });
    return values.map((value) => new Element(this, value[ELEMENT_KEY]));
  }

  // Runs `script` (a function body) in the page; `arguments` holds `args`.
  execute(script, args = []) {
    return this.call("POST", "/execute/sync", { script, args });
  }

  async screenshot() {
    const base64 = await this.call("GET", "/screenshot");
    return Buffer.from(base64, "base64");
  }

  async delete() {
    await request(this.base, "DELETE", `/session/${this.id}`);
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  call(method, path, body) {
    return this.session.call(method, `/element/${this.id}${path}`, body);
  }

  click() {
    return this.call("POST", "/click", {});
  }

  // Empties a text field (W3C Element Clear), as sendKeys only adds to what is there.
  clear() {
    return this.call("POST", "/clear", {});
  }

  sendKeys(text) {
    return this.call("POST", "/value", { text });
  }

  text() {
    return this.call("GET", "/text");
  }

  property(name) {
    return this.call("GET", `/property/${encodeURIComponent(name)}`);
  }

  isEnabled() {
    return this.call("GET", "/enabled");
  }
}
