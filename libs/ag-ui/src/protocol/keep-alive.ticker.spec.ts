import { jest } from '@jest/globals';
import { KeepAliveTicker } from './keep-alive.ticker.js';

describe('KeepAliveTicker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pings a stream from the first full interval after it joined, then at every tick, until it leaves', () => {
    const ticker = new KeepAliveTicker(100);
    const early = jest.fn();
    const late = jest.fn();
    const leaveEarly = ticker.add(early);
    jest.advanceTimersByTime(50);
    const leaveLate = ticker.add(late);

    jest.advanceTimersByTime(50); // tick 1 at t=100: both only joined
    expect(early).toHaveBeenCalledTimes(0);
    jest.advanceTimersByTime(100); // tick 2
    expect(early).toHaveBeenCalledTimes(1);
    expect(late).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(300); // ticks 3-5
    expect(early).toHaveBeenCalledTimes(4);

    leaveEarly();
    jest.advanceTimersByTime(100);
    expect(early).toHaveBeenCalledTimes(4);
    expect(late).toHaveBeenCalledTimes(5);
    leaveLate();
    jest.advanceTimersByTime(1_000);
    expect(late).toHaveBeenCalledTimes(5);
  });

  it('uses one timer for all streams and stops it once a whole interval passed with none', () => {
    const ticker = new KeepAliveTicker(100);
    const leaves = Array.from({ length: 50 }, () => ticker.add(() => undefined));
    expect(jest.getTimerCount()).toBe(1);
    for (const leave of leaves) leave();
    jest.advanceTimersByTime(100);
    expect(jest.getTimerCount()).toBe(0);

    const ping = jest.fn();
    ticker.add(ping);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(200);
    expect(ping).toHaveBeenCalledTimes(1);
  });

  it('pings nothing and holds no timer when the interval is 0', () => {
    const ticker = new KeepAliveTicker(0);
    const ping = jest.fn();
    const leave = ticker.add(ping);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(60_000);
    expect(ping).not.toHaveBeenCalled();
    leave();
  });
});
