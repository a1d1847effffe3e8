/**
 * The same object, each of its methods waiting for `ready()` first: stores whose schema is
 * created on start answer only once it exists. Once `ready()` has resolved, calls go straight
 * through.
 */
export function afterReady<T extends object>(target: T, ready: () => Promise<void>): T {
  let isReady = false;
  const methods = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      let method = methods.get(property);
      if (!method) {
        method = (...args: unknown[]) => {
          if (isReady) return Reflect.apply(value, object, args);
          return ready().then(() => {
            isReady = true;
            return Reflect.apply(value, object, args);
          });
        };
        methods.set(property, method);
      }
      return method;
    },
  });
}
