/* OpenCSM kanban boards: drag a card to another column to move the account.
 *
 * The board element carries everything this needs as data attributes
 * (data-kanban, data-move-url, data-csrf-token, data-can-move); each column's
 * card list has data-cards and data-stage-id, each card data-account-id.
 * The server decides: a refused move (400/403) puts the card back where it was.
 */
(function () {
  "use strict";

  function showMessage(text, kind) {
    var box = document.getElementById("board-messages");
    if (!box) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (kind || "danger") + " alert-dismissible small";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "Close");
    alert.appendChild(close);
    box.replaceChildren(alert);
  }

  function adjustCount(board, stageId, delta) {
    var badge = board.querySelector('[data-count-for="' + stageId + '"]');
    if (!badge) return;
    var count = Math.max(parseInt(badge.dataset.count, 10) + delta, 0);
    badge.dataset.count = String(count);
    badge.textContent = count.toLocaleString();
  }

  function putBack(evt) {
    evt.from.insertBefore(evt.item, evt.from.children[evt.oldIndex] || null);
  }

  function moved(board, evt) {
    var from = evt.from.dataset.stageId;
    var to = evt.to.dataset.stageId;
    // The column lists newest-in-stage first, so the card now belongs on top.
    evt.to.prepend(evt.item);
    evt.to.querySelectorAll("[data-empty]").forEach(function (el) { el.remove(); });
    var since = evt.item.querySelector("[data-in-stage]");
    if (since) since.textContent = "moved here just now";
    adjustCount(board, from, -1);
    adjustCount(board, to, 1);
  }

  function sendMove(board, evt) {
    var body = new URLSearchParams({
      account: evt.item.dataset.accountId,
      stage: evt.to.dataset.stageId,
    });
    fetch(board.dataset.moveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": board.dataset.csrfToken, Accept: "application/json" },
      body: body,
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () { return {}; })
          .then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
      })
      .then(function (result) {
        if (result.ok) {
          moved(board, evt);
          return;
        }
        putBack(evt);
        var reason = result.data.error ||
          (result.status === 403 ? "You may not move cards on this board." : "The card could not be moved.");
        showMessage(reason);
      })
      .catch(function () {
        putBack(evt);
        showMessage("The card could not be moved: the server did not answer.");
      });
  }

  function initBoard(board) {
    if (board.dataset.kanbanReady || board.dataset.canMove !== "true") return;
    if (typeof Sortable === "undefined") return;
    board.dataset.kanbanReady = "true";
    board.querySelectorAll("[data-cards]").forEach(function (list) {
      Sortable.create(list, {
        group: "board",
        sort: false, // a column's order is time in stage, not a manual order
        draggable: "[data-account-id]",
        animation: 150,
        onAdd: function (evt) { sendMove(board, evt); },
      });
    });
  }

  // A "Load more" page fetched after a move may repeat a card already shown.
  function dropRepeatedCard(card) {
    var list = card.parentElement;
    if (!list) return;
    var same = list.querySelectorAll('[data-account-id="' + card.dataset.accountId + '"]');
    if (same.length > 1 && same[0] !== card) card.remove();
  }

  function onLoad(element) {
    if (!(element instanceof Element)) return;
    if (element.matches("[data-account-id]")) dropRepeatedCard(element);
    if (element.matches("[data-kanban]")) initBoard(element);
    element.querySelectorAll("[data-kanban]").forEach(initBoard);
  }

  if (window.htmx) {
    htmx.onLoad(onLoad);
  } else {
    document.addEventListener("DOMContentLoaded", function () { onLoad(document.body); });
  }
})();
