import 'reflect-metadata';
import { Controller, Post, Req, Res, Module, Injectable } from '@nestjs/common';
import { NestFactory, HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';

@Controller('agents')
class C {
  @Post()
  run(@Req() req: Request, @Res() res: Response) {
    res.json({ body: req.body, parsed: (req as any)._body });
  }
}
@Module({ controllers: [C] })
class M {}

it('probe', async () => {
  const app = await NestFactory.create(M, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  let r = await fetch(url + '/agents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  console.log(r.status, await r.text());
  r = await fetch(url + '/agents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
  console.log(r.status, r.headers.get('content-type'), await r.text());
  r = await fetch(url + '/agents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(200000) }) });
  console.log(r.status, r.headers.get('content-type'), await r.text());
  r = await fetch(url + '/agents', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
  console.log(r.status, r.headers.get('content-type'), await r.text());
  await app.close();
});
