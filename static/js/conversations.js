// The Conversations pages (staff thread and list) and the portal's chat page: new messages
// appear without a reload (core.live), saved replies fill the reply box.
// Every message body is set as textContent: a customer's "<b>" stays text.
(function () {
  "use strict";
  const live = document.getElementById("chat-live");
  const thread = document.getElementById("chat-thread");
  const side = live ? live.dataset.side || "staff" : "staff";

  function scrollDown() {
    if (thread) thread.scrollTop = thread.scrollHeight;
  }

  // A poll's choices: links to the answer page for the customer; labels for the team.
  function pollChoices(choices) {
    const row = document.createElement("div");
    row.className = "chat-poll d-flex flex-wrap gap-1 mt-2";
    row.dataset.testid = "chat-poll";
    choices.forEach(function (choice) {
      const node = document.createElement(side === "contact" ? "a" : "span");
      if (side === "contact") {
        node.className = "btn btn-sm btn-outline-primary";
        node.href = choice.url;
        node.target = "_blank";
        node.rel = "noopener";
      } else {
        node.className = "badge text-bg-light border";
      }
      node.textContent = choice.label;
      row.append(node);
    });
    return row;
  }

  function append(message) {
    if (!thread || thread.querySelector(`[data-id="${message.id}"]`)) return;
    const empty = thread.querySelector("[data-empty]");
    if (empty) empty.remove();
    const mine = side === "contact" ? message.author === "contact" : message.author !== "contact";
    const item = document.createElement("li");
    item.className = "chat-message mb-2 " + (message.author === "contact" ? "from-customer" : "from-team");
    if (mine) item.classList.add("text-end");
    item.dataset.id = message.id;
    const bubble = document.createElement("div");
    bubble.className = "d-inline-block text-start px-3 py-2 rounded-3 " + (mine ? "bg-primary-subtle" : "bg-body-secondary");
    bubble.style.maxWidth = "85%";
    const meta = document.createElement("div");
    meta.className = "small text-body-secondary";
    const when = new Date(message.at);
    // As the server writes it ("3 Dec, 08:39"), in the browser's timezone.
    const month = when.toLocaleString("en-GB", { month: "short" });
    const time = when.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    meta.textContent = `${message.name} · ${when.getDate()} ${month}, ${time}`;
    const body = document.createElement("div");
    body.className = "chat-body";
    body.style.whiteSpace = "pre-wrap";
    body.textContent = message.body;
    bubble.append(meta, body);
    if (message.choices && message.choices.length) bubble.append(pollChoices(message.choices));
    item.append(bubble);
    thread.append(item);
    scrollDown();
  }

  function refreshList() {
    const table = document.getElementById("conversation-table");
    if (table && window.htmx) {
      window.htmx.ajax("GET", table.dataset.refreshUrl, { target: "#conversation-table", swap: "innerHTML" });
    }
  }

  function onEvent(payload) {
    if (payload.type === "message" && String(payload.conversation) === (live.dataset.conversation || "")) {
      append(payload);
    }
    if (side === "staff") {
      document.body.dispatchEvent(new Event("chat-inbox-changed"));
      refreshList();
    }
  }

  const saved = document.getElementById("saved-reply");
  if (saved) {
    saved.addEventListener("change", function () {
      const option = saved.selectedOptions[0];
      const box = document.querySelector("[data-testid=reply-body]");
      if (option && option.dataset.body && box) {
        box.value = box.value ? `${box.value}\n${option.dataset.body}` : option.dataset.body;
        box.focus();
      }
      saved.value = "";
    });
  }

  scrollDown();
  if (live && live.dataset.ticket && window.OpenCSMLive) {
    window.OpenCSMLive.connect({ ticket: live.dataset.ticket, onMessage: onEvent });
  }
})();
