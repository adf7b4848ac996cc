// OpenCSM chat widget: one <script> tag in the SaaS product's pages.
//
//   <script src="https://cs.example.com/static/js/chat-widget.js" async
//           data-account="ACCOUNT_ID" data-contact="CONTACT_ID"
//           data-signature="HMAC_SHA256_HEX(CHAT_IDENTITY_SECRET, 'ACCOUNT_ID/CONTACT_ID')"></script>
//
// No third-party code or assets. It talks to this installation's /chat/api/ endpoints with
// JSON and a bearer token kept in memory (no cookies, so nothing for a cross-site request to
// forge); new messages arrive through core.live when the page can listen, else by polling.
// Every text is set as textContent: a message's "<b>" is shown as typed, never as HTML.
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || window.__opencsmChat) return;
  window.__opencsmChat = true;
  const base = new URL(script.src, location.href).origin;
  const identity = {
    account: script.dataset.account || "",
    contact: script.dataset.contact || "",
    signature: script.dataset.signature || "",
  };
  const title = script.dataset.title || "Chat with us";
  const POLL_MS = 2000;
  let token = "";
  let shown = new Set();
  let newest = 0;
  let poller = null;
  let listening = false;

  const style = document.createElement("style");
  style.textContent = `
.ocsm-chat, .ocsm-chat * { box-sizing: border-box; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.ocsm-launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0; border-radius: 999px; padding: 12px 18px; background: #0d6efd; color: #fff; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.2); }
.ocsm-panel { position: fixed; right: 20px; bottom: 76px; z-index: 2147483000; width: 360px; max-width: calc(100vw - 24px); height: 480px; max-height: calc(100vh - 100px); display: none; flex-direction: column; background: #fff; color: #212529; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; }
.ocsm-panel.ocsm-open { display: flex; }
.ocsm-head { display: flex; justify-content: space-between; align-items: center; padding: 10px 14px; background: #0d6efd; color: #fff; font-weight: 600; }
.ocsm-close { border: 0; background: transparent; color: #fff; font-size: 20px; line-height: 1; cursor: pointer; }
.ocsm-list { flex: 1; overflow-y: auto; margin: 0; padding: 12px; list-style: none; background: #f8f9fa; }
.ocsm-msg { margin: 0 0 8px; display: flex; flex-direction: column; align-items: flex-start; }
.ocsm-msg.ocsm-mine { align-items: flex-end; }
.ocsm-bubble { max-width: 85%; padding: 8px 12px; border-radius: 12px; background: #e9ecef; white-space: pre-wrap; overflow-wrap: anywhere; }
.ocsm-mine .ocsm-bubble { background: #cfe2ff; }
.ocsm-poll { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 6px; max-width: 85%; }
.ocsm-choice { display: inline-block; min-width: 32px; padding: 4px 10px; border: 1px solid #0d6efd; border-radius: 8px; color: #0d6efd; background: #fff; text-align: center; text-decoration: none; }
.ocsm-choice:hover { background: #0d6efd; color: #fff; }
.ocsm-who { font-size: 12px; color: #6c757d; margin: 0 4px 2px; }
.ocsm-form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #dee2e6; }
.ocsm-input { flex: 1; resize: none; height: 44px; padding: 8px; border: 1px solid #ced4da; border-radius: 8px; }
.ocsm-send { border: 0; border-radius: 8px; padding: 0 14px; background: #0d6efd; color: #fff; cursor: pointer; }
.ocsm-error { color: #b02a37; padding: 0 12px 8px; font-size: 13px; }
.ocsm-error:empty { display: none; }
@media (max-width: 480px) { .ocsm-panel { right: 12px; left: 12px; width: auto; bottom: 72px; } }`;
  document.head.append(style);

  function el(tag, className, attrs) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    return node;
  }

  const root = el("div", "ocsm-chat");
  const launcher = el("button", "ocsm-launcher", { type: "button", "data-testid": "chat-launcher", "aria-expanded": "false" });
  launcher.textContent = title;
  const panel = el("section", "ocsm-panel", { "aria-label": title, "data-testid": "chat-panel" });
  const head = el("div", "ocsm-head");
  const heading = el("span");
  heading.textContent = title;
  const close = el("button", "ocsm-close", { type: "button", "aria-label": "Close the chat" });
  close.textContent = "×";
  head.append(heading, close);
  const list = el("ol", "ocsm-list", { "data-testid": "chat-messages", "aria-live": "polite" });
  const error = el("div", "ocsm-error", { role: "alert", "data-testid": "chat-error" });
  const form = el("form", "ocsm-form");
  const input = el("textarea", "ocsm-input", { "aria-label": "Your message", maxlength: "4000", placeholder: "Write a message…", "data-testid": "chat-input" });
  const send = el("button", "ocsm-send", { type: "submit", "data-testid": "chat-send" });
  send.textContent = "Send";
  form.append(input, send);
  panel.append(head, list, error, form);
  root.append(panel, launcher);
  document.body.append(root);

  async function call(path, options) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(base + "/chat/api/" + path + "/", { credentials: "omit", ...options, headers });
    const data = await response.json().catch(() => ({ error: "The chat is unavailable right now." }));
    if (!response.ok) throw new Error(data.error || "The chat is unavailable right now.");
    return data;
  }

  function render(message) {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    newest = Math.max(newest, message.id);
    const item = el("li", "ocsm-msg" + (message.author === "contact" ? " ocsm-mine" : ""), { "data-id": String(message.id) });
    const who = el("span", "ocsm-who");
    who.textContent = message.name;
    const bubble = el("div", "ocsm-bubble");
    bubble.textContent = message.body;
    item.append(who, bubble);
    if (message.choices && message.choices.length) {
      // A poll: each choice opens the survey's answer page with it chosen.
      const poll = el("div", "ocsm-poll", { "data-testid": "chat-poll" });
      message.choices.forEach((choice) => {
        const link = el("a", "ocsm-choice", { href: choice.url, target: "_blank", rel: "noopener" });
        link.textContent = choice.label;
        poll.append(link);
      });
      item.append(poll);
    }
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  function markRead() {
    if (newest && panel.classList.contains("ocsm-open")) {
      call("read", { method: "POST", body: JSON.stringify({ upto: newest }) }).catch(() => {});
    }
  }

  function apply(state) {
    (state.messages || []).forEach(render);
    markRead();
    if (state.live && !listening) listen(state.live);
  }

  // core.live's client, from this installation's static files, on our own socket.
  function listen(ticket) {
    listening = true;
    const connect = () => {
      clearInterval(poller);
      poller = null;
      window.OpenCSMLive.connect({
        ticket: ticket,
        url: base.replace(/^http/, "ws") + "/ws/live/",
        onMessage: (payload) => {
          if (payload.type === "message") {
            render(payload);
            markRead();
          }
        },
        onOpen: refresh, // whatever arrived while the socket was away
        onExpired: () => { listening = false; token = ""; starting = null; },
      });
    };
    if (window.OpenCSMLive) return connect();
    const client = document.createElement("script");
    client.src = base + "/static/js/live.js";
    client.onload = connect;
    client.onerror = () => { listening = false; };
    document.head.append(client);
  }

  async function refresh() {
    try {
      apply(await call("messages", { method: "GET" }));
    } catch (problem) {
      error.textContent = problem.message;
    }
  }

  let starting = null;
  function start() {
    starting = starting || begin();
    return starting;
  }

  async function begin() {
    try {
      const state = await call("session", { method: "POST", body: JSON.stringify(identity) });
      token = state.token;
      error.textContent = "";
      apply(state);
    } catch (problem) {
      error.textContent = problem.message;
      input.disabled = send.disabled = true;
      starting = null; // opening the chat again tries again
    }
  }

  function setOpen(open) {
    panel.classList.toggle("ocsm-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    clearInterval(poller);
    poller = null;
    if (open) {
      start().then(() => {
        markRead();
        if (token && !listening) poller = setInterval(refresh, POLL_MS);
      });
      input.focus();
    }
  }

  launcher.addEventListener("click", () => setOpen(!panel.classList.contains("ocsm-open")));
  close.addEventListener("click", () => setOpen(false));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await start(); // a message typed while the session starts waits for it
    if (!token) return;
    const body = input.value;
    const clientId = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now() + Math.random())).slice(0, 64);
    send.disabled = true;
    try {
      const state = await call("messages", { method: "POST", body: JSON.stringify({ body: body, client_id: clientId }) });
      input.value = "";
      error.textContent = "";
      apply(state);
      if (!listening && !poller) poller = setInterval(refresh, POLL_MS);
    } catch (problem) {
      error.textContent = problem.message;
    } finally {
      send.disabled = false;
      input.focus();
    }
  });
})();
