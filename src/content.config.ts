/**
 * Content collections. `announcements`: notices that officials add as MDX files in
 * src/content/announcements/ without touching code (see README, "Announcements").
 * Files whose name starts with `_` are templates and are not published.
 */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { AnnouncementSchema } from './lib/announcements.ts';

const announcements = defineCollection({
  loader: glob({ pattern: ['**/*.mdx', '!**/_*.mdx'], base: './src/content/announcements' }),
  schema: AnnouncementSchema,
});

/** The site's content collections. */
export const collections = { announcements };
