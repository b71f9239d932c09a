// No Docker engine runs here, so the image is checked by reading it: every build step is a command the
// README gives for building without Docker (or an npm script), it runs as a non-root user from a
// multi-stage build, the worker finds the bundle the build wrote, and nothing secret goes into the context.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../../config/env';
import { entryPoints, workflowBundleFile } from '../../scripts/entry-points';

const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The shell lines of the ```sh blocks in one README section. */
function readmeCommands(section: string): string[] {
  const readme = read('README.md');
  const start = readme.indexOf(`## ${section}\n`);
  assert.ok(start >= 0, `README has no "## ${section}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line && !line.startsWith('#')),
  );
}

describe('the Dockerfile', () => {
  const instructions = parseDockerfile(read('Dockerfile'));
  const stages = instructions.filter((i) => i.keyword === 'FROM');
  const finalStage = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));

  it('builds only with commands the README documents for a build without Docker, or npm scripts', () => {
    const documented = readmeCommands('Running in production');
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: object }).scripts);
    const runs = instructions.filter((i) => i.keyword === 'RUN').flatMap((i) => i.args.split(/\s*&&\s*/));
    assert.ok(runs.length >= 3, `${runs.length} build steps`);
    for (const command of runs) {
      const npmScript = /^npm run (\S+)$/.exec(command)?.[1];
      assert.ok(
        documented.includes(command) || (npmScript !== undefined && scripts.includes(npmScript)),
        `"${command}" is not a command README.md ("Running in production") or package.json documents`,
      );
    }
  });

  it('is multi-stage, and the image runs as an unprivileged user with the bundle the build wrote', () => {
    assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
    const user = finalStage.filter((i) => i.keyword === 'USER').at(-1);
    assert.ok(user && !/^(root|0)(:|$)/.test(user.args), 'the runtime stage sets a non-root USER');
    assert.ok(
      finalStage.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from=')),
      'the runtime stage copies from the build stage',
    );
    const buildStep = instructions.find((i) => i.keyword === 'RUN' && i.args === 'npm run build');
    assert.ok(buildStep, 'a step compiles the service (and bundles the workflows) with npm run build');
    const bundleFile = `dist/${workflowBundleFile}`;
    const env = finalStage
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    const bundlePath = /WORKFLOW_BUNDLE_PATH=(\S+)/.exec(env)?.[1];
    const workdir = instructions.find((i) => i.keyword === 'WORKDIR')?.args;
    assert.equal(bundlePath, `${workdir}/${bundleFile}`, 'the worker loads the file the build wrote');
  });

  it('starts compiled entry points that the build writes, with no TypeScript tooling', () => {
    const cmd = finalStage.find((i) => i.keyword === 'CMD');
    const command = JSON.parse(cmd!.args) as string[];
    assert.equal(command[0], 'node');
    assert.ok(!command.some((arg) => /tsx|esbuild/.test(arg)), command.join(' '));
    const entry = /^dist\/(.+)\.js$/.exec(command.at(-1)!)?.[1];
    assert.ok(entry && entry in entryPoints, `${command.at(-1)} is not one of npm run build's outputs`);
    for (const source of Object.values(entryPoints)) assert.ok(existsSync(join(projectRoot, source)), source);
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(read('Dockerfile'))?.[1] ?? '';
    assert.match(image, /^node:24(-|$)/, 'the image runs Node.js 24');
    assert.ok(
      stages.every((s) => s.args.startsWith('${NODE_IMAGE}')),
      'both stages use that image',
    );
  });

  it('keeps local state, secrets and installed packages out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const path of ['.git', 'node_modules', '.data', '.tools', '.env', '.env.*', 'dist']) {
      assert.ok(ignored.includes(path), `.dockerignore lacks ${path}`);
    }
  });
});
