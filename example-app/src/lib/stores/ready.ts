/**
 * The same object, each of its methods waiting for `ready()` first: stores whose schema is
 * created on start answer only once it exists.
 */
export function afterReady<T extends object>(target: T, ready: () => Promise<void>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await ready();
        return Reflect.apply(value, object, args);
      };
    },
  });
}
