import { describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import { errorMessage, isPermissionDenied, isUnauthenticated, loginErrorMessage } from '@/api/errors';
import { methodPath } from '@/api/methodPath';
import { collectPages } from '@/api/paging';
import { ConsoleService } from '@/gen/yingshang/gateway/v1/gateway_pb';
import { RankingQuery } from '@/gen/yingshang/ranking/v1/query_pb';
import { DutyService } from '@/gen/yingshang/duty/v1/duty_pb';

describe('method paths (WhoAmI.allowed_methods)', () => {
  it('names a method as the gateway does: <package>.<Service>/<Method>', () => {
    expect(methodPath(RankingQuery.method.getScorecard)).toBe('yingshang.ranking.v1.RankingQuery/GetScorecard');
    expect(methodPath(DutyService.method.getRoster)).toBe('yingshang.duty.v1.DutyService/GetRoster');
    expect(methodPath(ConsoleService.method.uploadAttachment)).toBe('yingshang.gateway.v1.ConsoleService/UploadAttachment');
  });
});

describe('login errors in Chinese', () => {
  it('maps the codes ConsoleService.Login documents', () => {
    expect(loginErrorMessage(new ConnectError('wrong login or password', Code.Unauthenticated))).toBe('用户名或密码错误');
    expect(loginErrorMessage(new ConnectError('account locked until 10:30', Code.PermissionDenied))).toBe('账户已锁定');
    expect(loginErrorMessage(new ConnectError('account disabled', Code.PermissionDenied))).toBe('账户已停用');
    expect(loginErrorMessage(new ConnectError('slow down', Code.ResourceExhausted))).toBe('登录尝试过于频繁，请稍后再试');
    expect(loginErrorMessage(new ConnectError('boom', Code.Internal))).toBe('登录失败，请稍后再试');
  });
});

describe('page errors', () => {
  it('tells permission and session errors apart', () => {
    expect(isPermissionDenied(new ConnectError('no', Code.PermissionDenied))).toBe(true);
    expect(isPermissionDenied(new ConnectError('no', Code.NotFound))).toBe(false);
    expect(isUnauthenticated(new ConnectError('no', Code.Unauthenticated))).toBe(true);
    expect(isUnauthenticated(new Error('network'))).toBe(false);
  });
  it('words an error by its code with the server detail', () => {
    expect(errorMessage(new ConnectError("field 'period' is required", Code.InvalidArgument))).toBe("输入有误：field 'period' is required");
    expect(errorMessage(new ConnectError('x', Code.Unavailable))).toBe('服务暂不可用，请稍后再试');
    expect(errorMessage(new ConnectError('case RC-1 is closed', Code.FailedPrecondition))).toBe('当前状态不允许此操作：case RC-1 is closed');
  });
});

describe('paging', () => {
  it('follows next_page_token until the last page', async () => {
    const pages: Record<string, { items: number[]; next: string }> = {
      '': { items: [1, 2], next: 'b' },
      b: { items: [3], next: 'c' },
      c: { items: [4, 5], next: '' },
    };
    const asked: string[] = [];
    const all = await collectPages(async (token) => {
      asked.push(token);
      return pages[token]!;
    });
    expect(all).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual(['', 'b', 'c']);
  });
  it('stops at the page limit', async () => {
    let calls = 0;
    const all = await collectPages(async () => {
      calls++;
      return { items: [calls], next: 'more' };
    }, 3);
    expect(all).toEqual([1, 2, 3]);
    expect(calls).toBe(3);
  });
});
