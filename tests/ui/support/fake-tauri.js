// Installed with page.addInitScript before the app loads: a stand-in for window.__TAURI__.
// invoke goes to Node (window.__fakeInvoke), channels and drag-and-drop are driven by the test.
(() => {
  const channels = [];
  const eventListeners = {};
  let dragDropListener = null;

  class Channel {
    constructor() {
      this.id = channels.length;
      this.onmessage = () => {};
      channels.push(this);
    }
  }

  const prepare = (value) => {
    if (value instanceof Channel) return { __channel: value.id };
    if (Array.isArray(value)) return value.map(prepare);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, prepare(item)]));
    }
    return value;
  };

  window.__fakeChannels = channels;
  window.__fakePush = (id, message) => channels[id].onmessage(message);
  window.__fakeDragDrop = (payload) => {
    if (dragDropListener) dragDropListener({ event: "tauri://drag-drop", id: 1, payload });
    return Boolean(dragDropListener);
  };

  window.__fakeEmit = (name, payload) => {
    (eventListeners[name] || []).forEach((listener) => listener({ event: name, id: 1, payload }));
    return (eventListeners[name] || []).length;
  };

  window.__TAURI__ = {
    event: {
      listen: async (name, listener) => {
        (eventListeners[name] = eventListeners[name] || []).push(listener);
        return () => {
          eventListeners[name] = eventListeners[name].filter((item) => item !== listener);
        };
      },
    },
    core: {
      Channel,
      async invoke(command, args) {
        const outcome = await window.__fakeInvoke(command, prepare(args || {}));
        if (outcome && "error" in outcome) throw outcome.error;
        return outcome ? outcome.value : undefined;
      },
    },
    webview: {
      getCurrentWebview: () => ({
        onDragDropEvent: async (listener) => {
          dragDropListener = listener;
          return () => {
            dragDropListener = null;
          };
        },
      }),
    },
  };
})();
