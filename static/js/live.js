// OpenCSM live updates: one WebSocket per page, authorised by a signed ticket
// (core.live.ticket). API documented in core/live/__init__.py.
(function () {
  "use strict";

  var REFUSED = { 4400: "no ticket", 4401: "forged or malformed ticket" };
  var EXPIRED = 4403;
  var FIRST_DELAY = 500;
  var MAX_DELAY = 30000;

  function defaultUrl() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + "/ws/live/";
  }

  function connect(options) {
    var url = (options.url || defaultUrl()) + "?ticket=" + encodeURIComponent(options.ticket || "");
    var delay = FIRST_DELAY;
    var stopped = false;
    var timer = null;
    var socket = null;

    function open() {
      socket = new WebSocket(url);
      socket.onmessage = function (event) {
        var frame;
        try {
          frame = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (!frame || typeof frame !== "object") return;
        if (frame.ready) {
          // Listening: the ticket was good. (A refused socket opens too, then closes.)
          delay = FIRST_DELAY;
          if (options.onOpen) options.onOpen();
          return;
        }
        options.onMessage(frame.payload, frame.topic);
      };
      socket.onclose = function (event) {
        if (stopped) return;
        if (event.code === EXPIRED) {
          stopped = true;
          if (options.onExpired) options.onExpired();
          else window.location.reload();
          return;
        }
        if (REFUSED[event.code]) {
          stopped = true;
          if (options.onRefused) options.onRefused(REFUSED[event.code]);
          return;
        }
        var wait = delay + Math.random() * delay * 0.5;
        delay = Math.min(delay * 2, MAX_DELAY);
        timer = window.setTimeout(open, wait);
      };
    }

    open();
    return {
      close: function () {
        stopped = true;
        window.clearTimeout(timer);
        if (socket) socket.close(1000);
      },
      isOpen: function () {
        return Boolean(socket) && socket.readyState === WebSocket.OPEN;
      },
    };
  }

  window.OpenCSMLive = { connect: connect };
})();
